print("rohrpost-relay")
