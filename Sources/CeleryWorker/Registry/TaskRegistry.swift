import CeleryWire
import Synchronization

/// An async task implementation: returns the JSON result or throws an outcome
/// (`TaskRetry`, `TaskReject`, `TaskFailure`, any other error → FAILURE).
public typealias TaskHandler = @Sendable (TaskContext) async throws -> JSONValue

/// One registered task.
public struct RegisteredTask: Sendable {
    public var options: TaskOptions
    public var signature: TaskSignature
    public var handler: TaskHandler
}

/// Maps task names to their implementations. Shared by every execution; registration
/// normally happens before the worker starts.
public final class TaskRegistry: Sendable {
    private let tasks = Mutex<[String: RegisteredTask]>([:])

    /// Creates a registry holding Celery's built-ins `celery.accumulate` and
    /// `celery.backend_cleanup` (which beat sends daily; Redis expires results by itself, so it
    /// has nothing to do, as Celery's Redis backend has not).
    public init() {
        register(TaskOptions(name: "celery.backend_cleanup"), signature: TaskSignature(functionName: "backend_cleanup"))
        {
            _ in .null
        }
        register(
            TaskOptions(name: "celery.accumulate"),
            signature: TaskSignature(
                functionName: "accumulate", acceptsExtraPositional: true, acceptsExtraKeywords: true)
        ) { context in
            let args = context.arguments.extraPositional
            if let index = context.arguments.extraKeywords["index"], !index.isNull {
                guard let position = index.intValue, let element = args[safe: Int(position)] else {
                    throw TaskFailure(.builtin("IndexError", "tuple index out of range"))
                }
                return element
            }
            return .array(args)
        }
    }

    /// Registers (or replaces) a task.
    public func register(_ options: TaskOptions, signature: TaskSignature, handler: @escaping TaskHandler) {
        tasks.withLock { $0[options.name] = RegisteredTask(options: options, signature: signature, handler: handler) }
    }

    /// The task registered under a name.
    public func task(named name: String) -> RegisteredTask? {
        tasks.withLock { $0[name] }
    }

    /// Every registered name, sorted.
    public var names: [String] {
        tasks.withLock { $0.keys.sorted() }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        index >= 0 && index < count ? self[index] : nil
    }
}
