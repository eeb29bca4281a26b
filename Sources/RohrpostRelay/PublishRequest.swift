import RohrpostProtocol

/// The body of `POST /publish`: `{"group": "g" | "groups": ["g", ...], "type": "t",
/// "object": <any JSON>}`, checked as `rohrpost.send` would check it.
struct PublishRequest: Sendable, Hashable {
    /// The groups the message goes to, each once, in the order given.
    var groups: [String]
    /// The message's type, e.g. `export-finished`.
    var type: String
    /// The message's object, as compact JSON text.
    var object: String

    /// What is wrong with a body, as the 400 answer's `error`.
    struct Invalid: Error, Hashable {
        let message: String
    }

    /// Reads `body`; throws what is wrong with it.
    init(parsing body: [UInt8]) throws(Invalid) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: body, maximumDepth: 128)
        } catch {
            throw Invalid(message: "the body is not JSON: \(error.detail)")
        }
        guard value.isObject else { throw Invalid(message: "the body must be a JSON object") }
        switch (value["group"], value["groups"]) {
        case (.some, .some):
            throw Invalid(message: "give either 'group' or 'groups', not both")
        case (let group?, nil):
            guard let name = group.stringValue, !name.isEmpty else {
                throw Invalid(message: "'group' must be a non-empty string")
            }
            groups = [name]
        case (nil, .array(let list)?):
            let names = list.compactMap { $0.stringValue.flatMap { $0.isEmpty ? nil : $0 } }
            guard !list.isEmpty, names.count == list.count else {
                throw Invalid(message: "'groups' must be a non-empty array of non-empty strings")
            }
            var seen = Set<String>()
            groups = names.filter { seen.insert($0).inserted }
        case (nil, _?):
            throw Invalid(message: "'groups' must be a non-empty array of non-empty strings")
        case (nil, nil):
            throw Invalid(message: "'group' or 'groups' is required")
        }
        guard let type = value["type"]?.stringValue, !type.isEmpty else {
            throw Invalid(message: "'type' must be a non-empty string")
        }
        guard let object = value["object"] else { throw Invalid(message: "'object' is required (it may be null)") }
        self.type = type
        self.object = object.jsonText
    }
}
