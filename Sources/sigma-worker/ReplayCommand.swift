import ArgumentParser
import CeleryWire
import CeleryWorker
import Foundation
import Logging
import SigmaTasks

/// `sigma-worker replay FILE…`: run captured messages through the real task code, with the
/// configured database and mail backend but no Redis, and print the result each would store.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract:
            "Run captured task messages locally (database and mail as configured, no Redis) and print the results.")

    @Argument(help: "Files holding one message each, exactly as popped from Redis.")
    var files: [String]

    @Option(name: .customLong("env-file"), help: "The .env file (default: the first .env in this folder or a parent).")
    var envFile: String?

    @Option(name: [.customShort("l"), .long], help: "DEBUG, INFO, WARNING, ERROR or CRITICAL.")
    var loglevel: String = "INFO"

    @Flag(name: .customLong("include-test-tasks"), help: "Also register the t.integration.tasks test tasks.")
    var includeTestTasks = false

    func run() async throws {
        guard let level = CeleryLogHandler.level(named: loglevel) else {
            throw ValidationError("unknown log level \(loglevel)")
        }
        LoggingSystem.bootstrap { _ in CeleryLogHandler(level: level, sink: .standardError) }
        let logger = Logger(label: "sigma-worker")
        let environment = EnvironmentLoader.load(envFile: envFile)
        let registry = TaskRegistry()
        let services = try SigmaTasks.register(into: registry, environment: environment, logger: logger)
        let replayer = Replayer(registry: registry, logger: logger)
        let failures = await CapturedMessages.forEach(files) { file, request in
            print("\(file): \(request.task)[\(request.id)] retries \(request.retries)")
            print("  \(await replayer.replay(request))")
        }
        await services.shutdown()
        if failures > 0 { throw ExitCode(1) }
    }
}

/// Runs one request the way the worker would, minus Redis, and describes the stored result.
struct Replayer {
    let registry: TaskRegistry
    let logger: Logger

    func replay(_ request: TaskRequest) async -> String {
        guard let task = registry.task(named: request.task) else {
            return record(.failure(request, exception: .notRegistered(request.task), traceback: nil, at: now))
        }
        let ignoresResult = request.ignoreResult ?? task.options.ignoreResult
        let arguments: TaskArguments
        do {
            arguments = try task.signature.bind(args: request.args, kwargs: request.kwargs)
        } catch {
            return record(.failure(request, exception: error.exceptionInfo, traceback: nil, at: now))
        }
        var taskLogger = logger
        taskLogger[metadataKey: "celery.task.id"] = "\(request.id)"
        taskLogger[metadataKey: "celery.task.name"] = "\(request.task)"
        let context = TaskContext(
            request: request, arguments: arguments, options: task.options, hostname: "replay@localhost",
            logger: taskLogger)
        let result: ResultRecord
        do {
            let value = try await task.handler(context)
            result = .success(request, result: value, at: now)
        } catch let retry as TaskRetry {
            let maxRetries = retry.maxRetries ?? task.options.maxRetries
            let exception = retry.exception ?? .retry("Retry")
            if let maxRetries, request.retries >= maxRetries {
                result = .failure(request, exception: exception, traceback: nil, at: now)
            } else {
                let countdown = retry.countdown ?? task.options.defaultRetryDelay
                let note = "(would republish with retries=\(request.retries + 1), countdown \(countdown)s)"
                return record(.retry(request, exception: exception, traceback: nil), ignored: ignoresResult) + " "
                    + note
            }
        } catch {
            result = .failure(request, exception: ExceptionInfo(error: error), traceback: nil, at: now)
        }
        return record(result, ignored: ignoresResult && result.status != .failure)
    }

    private var now: Double { Date().timeIntervalSince1970 }

    private func record(_ record: ResultRecord, ignored: Bool = false) -> String {
        let text = String(decoding: record.encoded(), as: UTF8.self)
        return ignored ? "(ignore_result: nothing stored) \(text)" : text
    }
}
