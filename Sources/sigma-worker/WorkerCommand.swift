import ArgumentParser
import CeleryTestTasks
import CeleryWorker
import Foundation
import Logging
import SigmaTasks

/// `sigma-worker worker`: consume and run tasks, with `celery worker`'s flags.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Consume tasks from Redis and run them, like `celery worker`.")

    @Option(name: [.customShort("A"), .customLong("app")], help: "Accepted for compatibility with celery; ignored.")
    var app: String?

    @Option(name: [.customShort("c"), .long], help: "Tasks running at once (default: number of CPUs).")
    var concurrency: Int?

    @Option(name: [.customShort("l"), .long], help: "DEBUG, INFO, WARNING, ERROR or CRITICAL.")
    var loglevel: String = "WARNING"

    @Option(name: [.customShort("f"), .long], help: "Write the log to this file instead of standard error.")
    var logfile: String?

    @Option(name: [.customShort("Q"), .customLong("queues")], help: "Comma-separated queues to consume.")
    var queues: String?

    @Option(name: [.customShort("n"), .long], help: "Node name (default celery@<hostname>).")
    var hostname: String?

    @Option(name: .customLong("max-tasks-per-child"), help: "Accepted; tasks run in-process, so it has no effect.")
    var maxTasksPerChild: Int?

    @Option(name: .customLong("prefetch-multiplier"), help: "Reserved messages per concurrency slot (default 4).")
    var prefetchMultiplier: Int?

    @Option(
        name: .customLong("forward-unknown"), help: "Push messages for unregistered tasks, unchanged, onto this queue.")
    var forwardUnknown: String?

    @Option(name: .customLong("env-file"), help: "The .env file (default: the first .env in this folder or a parent).")
    var envFile: String?

    @Option(name: .customLong("soft-time-limit"), help: "Default soft time limit in seconds.")
    var softTimeLimit: Double?

    @Option(name: .customLong("time-limit"), help: "Default hard time limit in seconds.")
    var timeLimit: Double?

    @Flag(name: .customLong("include-test-tasks"), help: "Also register the t.integration.tasks test tasks.")
    var includeTestTasks = false

    @Flag(name: .customLong("without-sigma-tasks"), help: "Do not register SIGMA's tasks (servicio_tecnico.*).")
    var withoutSigmaTasks = false

    @Flag(name: [.customShort("E"), .customLong("task-events")], help: "Send task events (Flower, `celery events`).")
    var taskEvents = false

    @Flag(name: .customLong("without-mingle"), help: "Accepted for compatibility.")
    var withoutMingle = false

    @Flag(name: .customLong("without-gossip"), help: "Accepted for compatibility.")
    var withoutGossip = false

    @Flag(name: .customLong("without-heartbeat"), help: "Send no worker-heartbeat events.")
    var withoutHeartbeat = false

    @Option(name: .customLong("pidfile"), help: "Write the process id to this file (removed at exit).")
    var pidfile: String?

    @Option(name: .customShort("O"), help: "Accepted for compatibility (optimization profile); ignored.")
    var optimization: String?

    @Option(name: .customLong("autoscale"), help: "Accepted for compatibility; the maximum becomes --concurrency.")
    var autoscale: String?

    @Option(name: [.customShort("P"), .customLong("pool")], help: "Accepted for compatibility (pool); ignored.")
    var pool: String?

    @Option(
        name: .customLong("shutdown-timeout"),
        help: "Seconds a warm shutdown waits for running tasks before it turns cold (default: as long as they run).")
    var shutdownTimeout: Double?

    func run() async throws {
        guard let level = CeleryLogHandler.level(named: loglevel) else {
            throw ValidationError("unknown log level \(loglevel)")
        }
        let sink = try logfile.map(CeleryLogHandler.Sink.file) ?? .standardError
        LoggingSystem.bootstrap { _ in CeleryLogHandler(level: level, sink: sink) }
        let logger = Logger(label: "sigma-worker")
        let environment = EnvironmentLoader.load(envFile: envFile)
        var configuration = try WorkerConfiguration(environment: environment)
        if let concurrency { configuration.concurrency = max(1, concurrency) }
        if let queues {
            configuration.queues = queues.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        if let hostname {
            configuration.hostname = hostname.replacingOccurrences(of: "%h", with: ProcessInfo.processInfo.hostName)
        }
        if let prefetchMultiplier { configuration.prefetchMultiplier = max(1, prefetchMultiplier) }
        configuration.forwardUnknownQueue = forwardUnknown
        configuration.maxTasksPerChild = maxTasksPerChild
        if let softTimeLimit { configuration.softTimeLimit = softTimeLimit }
        if let timeLimit { configuration.timeLimit = timeLimit }
        if let shutdownTimeout { configuration.shutdownTimeout = shutdownTimeout }
        if taskEvents { configuration.sendTaskEvents = true }
        if withoutHeartbeat { configuration.sendHeartbeats = false }
        if let autoscale, concurrency == nil, let maximum = autoscale.split(separator: ",").first.flatMap({ Int($0) }) {
            configuration.concurrency = max(1, maximum)
        }
        if let pidfile {
            try "\(getpid())\n".write(toFile: pidfile, atomically: true, encoding: .utf8)
        }
        defer { if let pidfile { try? FileManager.default.removeItem(atPath: pidfile) } }
        let registry = TaskRegistry()
        if includeTestTasks { IntegrationTasks.register(into: registry) }
        let services =
            withoutSigmaTasks
            ? nil : try SigmaTasks.register(into: registry, environment: environment, logger: logger)
        let (group, runtime) = WorkerApplication.build(
            configuration: configuration, registry: registry, logger: logger,
            resources: services.map { [$0.executor] } ?? [])
        do {
            try await group.run()
        } catch {
            await services?.shutdown()
            throw error
        }
        await services?.shutdown()
        if runtime.replacementReason != nil || runtime.restartRequested {
            if let pidfile { try? FileManager.default.removeItem(atPath: pidfile) }
            ProcessReplacement.execute(logger: logger)
            throw ExitCode(1)  // exec failed: exit non-zero so a supervisor restarts the worker
        }
    }
}
