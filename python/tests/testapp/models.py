"""Models of the test app: items in collections; Item is watched (migration 0002)."""

from django.db import models


class Collection(models.Model):
    """Not watched."""

    name = models.CharField(max_length=100)


class Item(models.Model):
    """Watched with groups item-{id} and collection-{collection}; ``secret`` is not carried."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
    done = models.BooleanField(default=False)
    secret = models.CharField(max_length=50, default="")
