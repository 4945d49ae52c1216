/// An exception as Celery's JSON result serializer writes it:
/// `{"exc_type": <qualname>, "exc_message": [<args>…], "exc_module": <module>}`.
///
/// Python rebuilds it from already-imported modules only; a (module, name) that does not resolve
/// becomes a synthesized `Exception` subclass with that name, so any name in a module Django
/// never imports is safe. Never name a non-exception (`builtins.print` raises SecurityError).
public struct ExceptionInfo: Sendable, Hashable, CustomStringConvertible {
    /// The class `__qualname__`.
    public var type: String
    /// The class `__module__`, or nil.
    public var module: String?
    /// The exception's args tuple.
    public var arguments: [JSONValue]

    /// Creates exception information.
    public init(type: String, module: String?, arguments: [JSONValue]) {
        self.type = type
        self.module = module
        self.arguments = arguments
    }

    /// The `{"exc_type", "exc_message", "exc_module"}` dict.
    public var jsonValue: JSONValue {
        .object(
            JSONObject([
                ("exc_type", .string(type)), ("exc_message", .array(arguments)), ("exc_module", JSONValue(module)),
            ]))
    }

    /// Reads an exception dict (as stored for FAILURE, RETRY and REVOKED).
    public init?(_ value: JSONValue) {
        guard let object = value.objectValue, let type = object["exc_type"]?.stringValue else { return nil }
        self.type = type
        module = object["exc_module"]?.stringValue
        switch object["exc_message"] {
        case .array(let elements)?: arguments = elements
        case nil, .null?: arguments = []
        case let scalar?: arguments = [scalar]
        }
    }

    /// Python's `repr(exc)`, e.g. `ValueError('bad thing')`, for logs and events.
    public var description: String {
        "\(type)(" + arguments.map(PythonRepr.repr).joined(separator: ", ") + ")"
    }

    /// The last line of a Python traceback for this exception, e.g. `ValueError: bad thing`.
    public var tracebackLine: String {
        let qualified = module.map { $0 == "builtins" ? type : "\($0).\(type)" } ?? type
        let message =
            arguments.count == 1
            ? (arguments[0].stringValue ?? PythonRepr.repr(arguments[0]))
            : (arguments.isEmpty ? "" : PythonRepr.tuple(arguments))
        return message.isEmpty ? qualified : "\(qualified): \(message)"
    }

    /// A builtin Python exception with one message (`ValueError`, `TypeError`, `KeyError`…).
    public static func builtin(_ type: String, _ message: String) -> ExceptionInfo {
        ExceptionInfo(type: type, module: "builtins", arguments: [.string(message)])
    }

    /// `celery.exceptions.NotRegistered(name)`.
    public static func notRegistered(_ task: String) -> ExceptionInfo {
        ExceptionInfo(type: "NotRegistered", module: "celery.exceptions", arguments: [.string(task)])
    }

    /// `celery.exceptions.TaskRevokedError(reason)`: `revoked`, `terminated` or `expired`.
    public static func revoked(_ reason: String) -> ExceptionInfo {
        ExceptionInfo(type: "TaskRevokedError", module: "celery.exceptions", arguments: [.string(reason)])
    }

    /// `billiard.exceptions.SoftTimeLimitExceeded()`.
    public static let softTimeLimitExceeded = ExceptionInfo(
        type: "SoftTimeLimitExceeded", module: "billiard.exceptions", arguments: [])

    /// `billiard.exceptions.TimeLimitExceeded(limit)`.
    public static func timeLimitExceeded(_ seconds: Double) -> ExceptionInfo {
        let limit: JSONValue = seconds.rounded() == seconds ? .int(Int64(seconds)) : .double(seconds)
        return ExceptionInfo(type: "TimeLimitExceeded", module: "billiard.exceptions", arguments: [limit])
    }

    /// `billiard.exceptions.WorkerLostError(message)`.
    public static func workerLost(_ message: String) -> ExceptionInfo {
        ExceptionInfo(type: "WorkerLostError", module: "billiard.exceptions", arguments: [.string(message)])
    }

    /// `celery.exceptions.Retry(message)`, stored for a retry requested without an exception.
    public static func retry(_ message: String) -> ExceptionInfo {
        ExceptionInfo(type: "Retry", module: "celery.exceptions", arguments: [.string(message)])
    }
}
