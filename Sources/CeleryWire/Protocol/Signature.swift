/// A Celery signature as it travels inside a message (`embed.callbacks`, `chain`, `chord`, …):
/// `{"task", "args", "kwargs", "options", "subtask_type", "immutable"}`.
public struct Signature: Sendable, Hashable {
    /// The task name (`celery.group` / `celery.chain` / `celery.chord` for composite signatures).
    public var task: String
    /// Positional arguments.
    public var args: [JSONValue]
    /// Keyword arguments.
    public var kwargs: JSONObject
    /// Options such as `task_id`, `queue`, `countdown`, `link`.
    public var options: JSONObject
    /// nil for a plain task; `group`, `chain` or `chord` for composite signatures.
    public var subtaskType: String?
    /// True when the parent's result must not be prepended to `args`.
    public var immutable: Bool
    /// Every key as it arrived.
    public var raw: JSONObject

    /// Creates a plain signature.
    public init(
        task: String, args: [JSONValue] = [], kwargs: JSONObject = [:], options: JSONObject = [:],
        subtaskType: String? = nil, immutable: Bool = false
    ) {
        self.task = task
        self.args = args
        self.kwargs = kwargs
        self.options = options
        self.subtaskType = subtaskType
        self.immutable = immutable
        self.raw = JSONObject()
    }

    /// Reads a signature object.
    public init(decoding value: JSONValue, field: String) throws(CeleryWireError) {
        guard case .object(let object) = value else {
            throw CeleryWireError(
                .wrongType, field: field, expected: "signature object", message: "found a JSON \(value.typeName)")
        }
        guard let task = object["task"]?.stringValue else {
            throw CeleryWireError(
                .missingField, field: "\(field).task", expected: "string", message: "the signature has no task name")
        }
        self.task = task
        switch object["args"] {
        case .array(let elements)?: args = elements
        case nil, .null?: args = []
        case let other?:
            throw CeleryWireError(
                .wrongType, field: "\(field).args", expected: "array", message: "args is a JSON \(other.typeName)")
        }
        switch object["kwargs"] {
        case .object(let members)?: kwargs = members
        case nil, .null?: kwargs = JSONObject()
        case let other?:
            throw CeleryWireError(
                .wrongType, field: "\(field).kwargs", expected: "object", message: "kwargs is a JSON \(other.typeName)")
        }
        options = object["options"]?.objectValue ?? JSONObject()
        subtaskType = object["subtask_type"]?.stringValue
        immutable = object["immutable"]?.boolValue ?? false
        raw = object
    }

    /// Reads an optional list of signatures (`null` or a missing key is an empty list).
    /// Reads an optional list of signatures (`null` or a missing key is an empty list).
    public static func list(_ value: JSONValue?, field: String) throws(CeleryWireError) -> [Signature] {
        switch value {
        case nil, .null?: return []
        case .array(let elements)?:
            var result: [Signature] = []
            for (index, element) in elements.enumerated() {
                result.append(try Signature(decoding: element, field: "\(field)[\(index)]"))
            }
            return result
        case .object?:
            return [try Signature(decoding: value!, field: field)]
        case let other?:
            throw CeleryWireError(
                .wrongType, field: field, expected: "array of signatures", message: "found a JSON \(other.typeName)")
        }
    }

    /// The signature object, keeping unknown keys.
    public var jsonValue: JSONValue {
        var object = raw
        object["task"] = .string(task)
        object["args"] = .array(args)
        object["kwargs"] = .object(kwargs)
        object["options"] = .object(options)
        object["subtask_type"] = JSONValue(subtaskType)
        object["immutable"] = .bool(immutable)
        return .object(object)
    }

    /// `options.task_id`: the id a client may already be waiting on.
    public var presetTaskID: String? { options["task_id"]?.stringValue }
}
