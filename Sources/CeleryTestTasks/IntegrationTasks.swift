import CeleryWire
import CeleryWorker
import Foundation

/// Tasks named as Celery's own integration suite names them (`t.integration.tasks.add`, …), for
/// the interop tests and benchmarks, so Celery's suite can later be pointed at sigma-worker.
public enum IntegrationTasks {
    /// The module prefix of the task names.
    public static let module = "t.integration.tasks"

    /// Python's `+` on JSON values.
    static func sum(_ a: JSONValue, _ b: JSONValue) throws(TaskFailure) -> JSONValue {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            let (value, overflow) = x.addingReportingOverflow(y)
            return overflow ? .double(Double(x) + Double(y)) : .int(value)
        case (.string(let x), .string(let y)): return .string(x + y)
        case (.array(let x), .array(let y)): return .array(x + y)
        default:
            guard let x = a.doubleValue, let y = b.doubleValue else {
                throw TaskFailure(
                    .builtin("TypeError", "unsupported operand type(s) for +: '\(a.typeName)' and '\(b.typeName)'"))
            }
            return .double(x + y)
        }
    }

    /// Registers every test task.
    public static func register(into registry: TaskRegistry) {
        func name(_ short: String) -> String { "\(module).\(short)" }
        registry.register(
            TaskOptions(name: name("add")),
            signature: TaskSignature(
                functionName: "add", parameters: [.required("x"), .required("y"), .optional("z", default: nil)])
        ) { context in
            var total = try Self.sum(context.arguments["x"], context.arguments["y"])
            if !context.arguments["z"].isNull { total = try Self.sum(total, context.arguments["z"]) }
            return total
        }
        registry.register(
            TaskOptions(name: name("mul")),
            signature: TaskSignature(functionName: "mul", parameters: [.required("x"), .required("y")])
        ) { context in
            let x = context.arguments["x"], y = context.arguments["y"]
            if let a = x.intValue, let b = y.intValue { return .int(a &* b) }
            guard let a = x.doubleValue, let b = y.doubleValue else {
                throw TaskFailure(.builtin("TypeError", "can't multiply \(x.typeName) by \(y.typeName)"))
            }
            return .double(a * b)
        }
        registry.register(
            TaskOptions(name: name("xsum")),
            signature: TaskSignature(functionName: "xsum", parameters: [.required("nums")])
        ) { context in
            var total: JSONValue = 0
            for element in try context.arguments.array("nums") {
                let item: JSONValue =
                    element.arrayValue.map { .int($0.reduce(0) { $0 + ($1.intValue ?? 0) }) } ?? element
                total = try Self.sum(total, item)
            }
            return total
        }
        registry.register(
            TaskOptions(name: name("identity")),
            signature: TaskSignature(functionName: "identity", parameters: [.required("x")])
        ) { context in context.arguments["x"] }
        registry.register(
            TaskOptions(name: name("fail")),
            signature: TaskSignature(functionName: "fail", acceptsExtraPositional: true, acceptsExtraKeywords: true)
        ) { _ in
            throw TaskFailure(
                ExceptionInfo(type: "ExpectedException", module: module, arguments: ["Task expected to fail"]))
        }
        registry.register(
            TaskOptions(name: name("retry_once")),
            signature: TaskSignature(
                functionName: "retry_once",
                parameters: [
                    .optional("expires", default: 60.0), .optional("max_retries", default: 1),
                    .optional("countdown", default: 0.1),
                ],
                acceptsExtraPositional: true)
        ) { context in
            if context.request.retries > 0 { return .int(Int64(context.request.retries)) }
            throw TaskRetry(
                countdown: context.arguments["countdown"].doubleValue,
                maxRetries: .some(context.arguments["max_retries"].intValue.map(Int.init)))
        }
        registry.register(
            TaskOptions(name: name("retry"), defaultRetryDelay: 1),
            signature: TaskSignature(functionName: "retry", parameters: [.optional("return_value", default: nil)])
        ) { context in
            // Celery's: with a return value, it is returned after three retries; otherwise the
            // task fails with ExpectedException once max_retries (3) is passed.
            if !context.arguments["return_value"].isNull && context.request.retries >= 3 {
                return context.arguments["return_value"]
            }
            throw TaskRetry(
                countdown: 5, exception: ExceptionInfo(type: "ExpectedException", module: module, arguments: []))
        }
        registry.register(
            TaskOptions(name: "sigma.test.retry_always", maxRetries: 2),
            signature: TaskSignature(functionName: "retry_always", parameters: [.optional("countdown", default: 0.1)])
        ) { context in
            throw TaskRetry(
                countdown: context.arguments["countdown"].doubleValue,
                exception: ExceptionInfo(type: "ExpectedException", module: module, arguments: ["retrying"]))
        }
        registry.register(
            TaskOptions(name: name("sleeping")),
            signature: TaskSignature(functionName: "sleeping", parameters: [.required("i")], acceptsExtraKeywords: true)
        ) { context in
            let seconds = context.arguments["i"].doubleValue ?? 0
            try await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1e9))
            return .null
        }
        registry.register(
            TaskOptions(name: name("busy")),
            signature: TaskSignature(functionName: "busy", parameters: [.required("i")])
        ) { context in
            // Ignores cancellation: only a hard time limit ends it from the worker's side.
            let seconds = context.arguments["i"].doubleValue ?? 0
            let end = Date().addingTimeInterval(seconds)
            while Date() < end { usleep(10_000) }
            return .null
        }
        registry.register(
            TaskOptions(name: name("add_late"), acksLate: true),
            signature: TaskSignature(functionName: "add_late", parameters: [.required("x"), .required("y")])
        ) { context in try Self.sum(context.arguments["x"], context.arguments["y"]) }
        registry.register(
            TaskOptions(name: name("ids")),
            signature: TaskSignature(functionName: "ids", parameters: [.optional("i", default: 0)])
        ) { context in
            // Celery's returns the tuple (root_id, parent_id, i).
            [JSONValue(context.request.rootID), JSONValue(context.request.parentID), context.arguments["i"]]
        }
        registerSuite(into: registry)
    }
}
