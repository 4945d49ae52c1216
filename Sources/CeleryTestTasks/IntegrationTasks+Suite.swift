import CeleryWire
import CeleryWorker
import Foundation

/// More of Celery's `t/integration/tasks.py`, with the same names, parameters and results
/// (those that need no in-task canvas, `Task.replace` or Python objects).
extension IntegrationTasks {
    static func registerSuite(into registry: TaskRegistry) {
        func name(_ short: String) -> String { "\(module).\(short)" }
        func pair(_ function: String) -> TaskSignature {
            TaskSignature(functionName: function, parameters: [.required("x"), .required("y")])
        }
        registry.register(TaskOptions(name: name("add_not_typed")), signature: pair("add_not_typed")) { context in
            try Self.sum(context.arguments["x"], context.arguments["y"])
        }
        registry.register(
            TaskOptions(name: name("add_ignore_result"), ignoreResult: true), signature: pair("add_ignore_result")
        ) {
            context in try Self.sum(context.arguments["x"], context.arguments["y"])
        }
        registry.register(
            TaskOptions(name: name("raise_error")),
            signature: TaskSignature(functionName: "raise_error", acceptsExtraPositional: true)
        ) { _ in throw TaskFailure(.builtin("ValueError", "deliberate error")) }
        registry.register(
            TaskOptions(name: name("tsum")),
            signature: TaskSignature(functionName: "tsum", parameters: [.required("nums")])
        ) { context in try Self.total(context.arguments.array("nums")) }
        for (short, guarded) in [("delayed_sum", false), ("delayed_sum_with_soft_guard", true)] {
            registry.register(
                TaskOptions(name: name(short)),
                signature: TaskSignature(
                    functionName: short, parameters: [.required("numbers"), .optional("pause_time", default: 1)])
            ) { context in
                let pause = context.arguments["pause_time"].doubleValue ?? 1
                do {
                    try await Task.sleep(nanoseconds: UInt64(max(0, pause) * 1e9))
                } catch {
                    // Cancelled by the soft time limit: the guarded variant returns 0.
                    if guarded { return 0 }
                    throw error
                }
                return try Self.total(context.arguments.array("numbers"))
            }
        }
        registry.register(
            TaskOptions(name: name("print_unicode")),
            signature: TaskSignature(
                functionName: "print_unicode",
                parameters: [
                    .optional("log_message", default: "håå®ƒ valmuefrø"), .optional("print_message", default: "hiöäüß"),
                ])
        ) { context in
            context.logger.warning("\(context.arguments["log_message"].stringValue ?? "")")
            print(context.arguments["print_message"].stringValue ?? "")
            return .null
        }
        registry.register(
            TaskOptions(name: name("collect_ids")),
            signature: TaskSignature(functionName: "collect_ids", parameters: [.required("res"), .required("i")])
        ) { context in
            let request = context.request
            return [
                context.arguments["res"],
                [JSONValue(request.rootID), JSONValue(request.parentID), context.arguments["i"]],
            ]
        }
        registry.register(
            TaskOptions(name: name("return_priority")),
            signature: TaskSignature(functionName: "return_priority", acceptsExtraPositional: true)
        ) { context in .string("Priority: \(context.request.priority)") }
        registry.register(
            TaskOptions(name: name("retry_once_priority"), maxRetries: 1),
            signature: TaskSignature(
                functionName: "retry_once_priority",
                parameters: [
                    .optional("expires", default: 60.0), .optional("max_retries", default: 1),
                    .optional("countdown", default: 0.1),
                ],
                acceptsExtraPositional: true)
        ) { context in
            if context.request.retries > 0 { return .int(Int64(context.request.priority)) }
            throw TaskRetry(
                countdown: context.arguments["countdown"].doubleValue,
                maxRetries: .some(context.arguments["max_retries"].intValue.map(Int.init)))
        }
        registry.register(
            TaskOptions(name: name("write_to_file_and_return_int")),
            signature: TaskSignature(
                functionName: "write_to_file_and_return_int", parameters: [.required("file_name"), .required("i")])
        ) { context in
            let path = try context.arguments.string("file_name")
            let line = Data("\(PythonRepr.repr(context.arguments["i"]))\n".utf8)
            if !FileManager.default.fileExists(atPath: path) {
                _ = FileManager.default.createFile(atPath: path, contents: nil)
            }
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw TaskFailure(.builtin("FileNotFoundError", "[Errno 2] No such file or directory: '\(path)'"))
            }
            defer { try? handle.close() }
            handle.seekToEndOfFile()
            handle.write(line)
            return context.arguments["i"]
        }
        registry.register(
            TaskOptions(name: name("redis_echo")),
            signature: TaskSignature(
                functionName: "redis_echo",
                parameters: [.required("message"), .optional("redis_key", default: "redis-echo")])
        ) { context in
            try Self.redis(["RPUSH", context.arguments.string("redis_key"), Self.text(context.arguments["message"])])
            return .null
        }
        registry.register(
            TaskOptions(name: name("redis_count")),
            signature: TaskSignature(
                functionName: "redis_count", parameters: [.optional("redis_key", default: "redis-count")])
        ) { context in
            try Self.redis(["INCR", context.arguments.string("redis_key")])
            return .null
        }
        registry.register(
            TaskOptions(name: name("errback_old_style")),
            signature: TaskSignature(functionName: "errback_old_style", parameters: [.required("request_id")])
        ) { context in
            let id = try context.arguments.string("request_id")
            try Self.redis(["INCR", id])
            return .string(id)
        }
    }

    /// Python's `sum()` of a list.
    static func total(_ values: [JSONValue]) throws(TaskFailure) -> JSONValue {
        var total: JSONValue = 0
        for value in values { total = try sum(total, value) }
        return total
    }

    /// A value as `str()` writes it into Redis.
    static func text(_ value: JSONValue) -> String {
        value.stringValue ?? PythonRepr.repr(value)
    }

    /// One command on the Redis of Celery's suite (`REDIS_HOST`, `REDIS_PORT`, database 0).
    static func redis(_ command: [String]) throws {
        let environment = ProcessInfo.processInfo.environment
        let host = environment["REDIS_HOST"] ?? "localhost"
        let port = Int(environment["REDIS_PORT"] ?? "") ?? 6379
        let connection = try RedisConnection(
            url: RedisURL(endpoint: .tcp(host: host, port: port)), connectTimeout: 5, commandTimeout: 5)
        defer { connection.close() }
        try connection.command(command).check()
    }
}
