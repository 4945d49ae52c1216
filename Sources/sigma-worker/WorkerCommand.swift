import ArgumentParser
import CeleryTestTasks
import CeleryWorker
import Foundation
import Logging
import ServiceLifecycle
import SigmaDatabase
import SigmaTasks
import WorkerObservability

#if canImport(Glibc)
    import Glibc
#endif

/// `sigma-worker worker`: consume and run tasks, with every option of Celery 5.7's
/// `celery worker` (and the global options, which may come before the subcommand). Options that
/// mean something here are applied; the rest are accepted with one warning naming them.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Consume tasks from Redis and run them, like `celery worker`.")

    // MARK: Global options (`celery -A app -b url worker ...`)

    @Option(name: [.customShort("A"), .customLong("app")], help: "Celery app (ignored: the tasks are built in).")
    var app: String?
    @Option(name: [.customShort("b"), .customLong("broker")], help: "Broker URL (overrides CELERY_BROKER_URL).")
    var broker: String?
    @Option(name: .customLong("result-backend"), help: "Result backend URL (overrides CELERY_RESULT_BACKEND).")
    var resultBackend: String?
    @Option(name: .customLong("loader"), help: "Accepted for compatibility; ignored.")
    var loader: String?
    @Option(name: .customLong("config"), help: "Accepted for compatibility; ignored.")
    var config: String?
    @Option(name: .customLong("workdir"), help: "Change to this folder first (the .env is looked for there).")
    var workdir: String?
    @Flag(name: [.customShort("C"), .customLong("no-color")], help: "No colours (there are none).")
    var noColor = false
    @Flag(name: [.customShort("q"), .customLong("quiet")], help: "No banner (there is none).")
    var quiet = false
    @Flag(name: .customLong("skip-checks"), help: "Django's checks are not run here anyway.")
    var skipChecks = false

    // MARK: Worker options

    @Option(name: [.customShort("n"), .long], help: "Node name (default celery@%h); %h, %n and %d are expanded.")
    var hostname: String?
    @Flag(name: [.customShort("D"), .customLong("detach")], help: "Start as a background process (new session).")
    var detach = false
    @Option(name: [.customShort("S"), .customLong("statedb")], help: "Accepted; revoked ids are kept in memory only.")
    var statedb: String?
    @Option(name: [.customShort("l"), .long], help: "DEBUG, INFO, WARNING, ERROR, CRITICAL or FATAL.")
    var loglevel: String = "WARNING"
    @Option(name: .customShort("O"), help: "default or fair (tasks are always given to a free slot).")
    var optimization: String?
    @Option(name: .customLong("prefetch-multiplier"), help: "Reserved messages per concurrency slot (default 4).")
    var prefetchMultiplier: String?
    @Flag(name: .customLong("disable-prefetch"), help: "Reserve a message only when a slot is free.")
    var disablePrefetch = false

    // MARK: Pool options

    @Option(name: [.customShort("c"), .long], help: "Tasks running at once; 0 or auto: the number of CPUs.")
    var concurrency: String?
    @Option(
        name: [.customShort("P"), .customLong("pool")],
        help:
            "prefork, eventlet, gevent, solo, processes, threads or custom; tasks run in this process (solo: one at a time)."
    )
    var pool: String?
    @Flag(
        name: [.customShort("E"), .customLong("task-events"), .customLong("events")],
        help: "Send task events (Flower, `celery events`).")
    var taskEvents = false
    @Option(name: .customLong("time-limit"), help: "Hard time limit in seconds.")
    var timeLimit: String?
    @Option(name: .customLong("soft-time-limit"), help: "Soft time limit in seconds.")
    var softTimeLimit: String?
    @Option(
        name: .customLong("max-tasks-per-child"), help: "Replace the process (warmly) after this many tasks per slot.")
    var maxTasksPerChild: String?
    @Option(name: .customLong("pool-start-method"), help: "fork or spawn; accepted, no effect.")
    var poolStartMethod: String?
    @Option(name: .customLong("max-memory-per-child"), help: "Replace the process (warmly) above this resident KiB.")
    var maxMemoryPerChild: String?

    // MARK: Queue options

    @Flag(name: [.customLong("purge"), .customLong("discard")], help: "Erase the queues' messages before starting.")
    var purge = false
    @Option(name: [.customShort("Q"), .customLong("queues")], help: "Comma-separated queues to consume.")
    var queues: String?
    @Option(name: [.customShort("X"), .customLong("exclude-queues")], help: "Comma-separated queues not to consume.")
    var excludeQueues: String?
    @Option(name: [.customShort("I"), .customLong("include")], help: "Python modules; accepted, ignored.")
    var include: String?

    // MARK: Features

    @Flag(name: .customLong("without-gossip"), help: "Accepted (no gossip is done).")
    var withoutGossip = false
    @Flag(name: .customLong("without-mingle"), help: "Accepted (no mingle is done).")
    var withoutMingle = false
    @Flag(name: .customLong("without-heartbeat"), help: "Send no worker-heartbeat events.")
    var withoutHeartbeat = false
    @Option(name: .customLong("heartbeat-interval"), help: "Broker heartbeat; accepted (Redis has none).")
    var heartbeatInterval: String?
    @Option(
        name: .customLong("autoscale"), help: "MAX,MIN: runs MAX slots; pool_grow/pool_shrink/autoscale adjust them.")
    var autoscale: String?

    // MARK: Embedded beat

    @Flag(
        name: [.customShort("B"), .customLong("beat")],
        help: "Also run beat in this process (django-celery-beat's schedule, as `sigma-worker beat`).")
    var beat = false
    @Option(
        name: [.customShort("s"), .customLong("schedule-filename"), .customLong("schedule")],
        help: "Beat's schedule file; accepted, ignored.")
    var schedule: String?
    @Option(name: .customLong("scheduler"), help: "Beat's scheduler; accepted, ignored.")
    var scheduler: String?

    // MARK: Daemonization

    @Option(name: [.customShort("f"), .long], help: "Log file (%n, %h, %d, %p, %i, %I expanded); default stderr.")
    var logfile: String?
    @Option(name: .customLong("pidfile"), help: "Write the process id here (%n ... expanded).")
    var pidfile: String?
    @Option(name: .customLong("uid"), help: "Drop privileges to this user (name or id).")
    var uid: String?
    @Option(name: .customLong("gid"), help: "Drop privileges to this group (name or id).")
    var gid: String?
    @Option(name: .customLong("umask"), help: "File mode mask (octal) for files the worker creates.")
    var umask: String?
    @Option(name: .customLong("executable"), help: "Python executable; accepted, ignored.")
    var executable: String?

    // MARK: sigma-worker's own

    @Option(
        name: .customLong("forward-unknown"), help: "Push messages for unregistered tasks, unchanged, onto this queue.")
    var forwardUnknown: String?
    @Option(name: .customLong("env-file"), help: "The .env file (default: the first .env in this folder or a parent).")
    var envFile: String?
    @Flag(name: .customLong("include-test-tasks"), help: "Also register Celery's t.integration.tasks test tasks.")
    var includeTestTasks = false
    @Flag(name: .customLong("without-sigma-tasks"), help: "Do not register SIGMA's tasks (servicio_tecnico.*).")
    var withoutSigmaTasks = false
    @Option(
        name: .customLong("shutdown-timeout"),
        help: "Seconds a warm shutdown waits for running tasks before it turns cold (default: as long as they run).")
    var shutdownTimeout: String?
    @Option(
        name: .customLong("metrics-port"),
        help: "Serve Prometheus metrics, /healthz and /readyz on this port (default SIGMA_METRICS_PORT; off).")
    var metricsPort: Int?
    @Option(
        name: .customLong("metrics-host"), help: "The address the metrics endpoint listens on (default 127.0.0.1).")
    var metricsHost: String?

    @Argument(help: "Celery settings as key=value (accepted; ignored).")
    var extra: [String] = []

    func run() async throws {
        if let workdir, !FileManager.default.changeCurrentDirectoryPath(workdir) {
            try Self.usageError("Invalid value for '--workdir': '\(workdir)' is not a folder that can be entered.")
        }
        let options = try parsedOptions()
        if detach { try Self.detachFromTerminal() }
        if let umask { _ = Glibc.umask(mode_t(try Self.check { try WorkerOptionValues.umask(umask) })) }
        if uid != nil || gid != nil { try Privileges.drop(user: uid, group: gid) }

        var environment = EnvironmentLoader.load(envFile: envFile)
        if let broker { environment["CELERY_BROKER_URL"] = broker }
        if let resultBackend { environment["CELERY_RESULT_BACKEND"] = resultBackend }
        var configuration = try WorkerConfiguration(environment: environment)
        let nodename = try Self.check { try NodeNames.nodename(hostname, machineHostname: Self.machineHostname) }
        configuration.hostname = nodename

        let sink: CeleryLogHandler.Sink
        if let logfile {
            let path = try Self.check { try NodeNames.fileName(logfile, nodename: nodename) }
            do {
                sink = try .file(path)
            } catch {
                try Self.usageError("Invalid value for '-f' / '--logfile': \(error)")
            }
        } else {
            sink = .standardError
        }
        LoggingSystem.bootstrap { _ in CeleryLogHandler(level: options.level, sink: sink) }
        defer { sink.flush() }
        let logger = Logger(label: "sigma-worker")
        for warning in ignoredOptionWarnings() { logger.warning("\(warning)") }

        apply(options, to: &configuration)
        let metrics = try Self.check {
            try MetricsEndpoint.settings(port: metricsPort, host: metricsHost, environment: environment)
        }
        let prometheus = metrics.map { _ in MetricsEndpoint.bootstrap() }
        configuration.metricsEnabled = metrics != nil
        let pidPath = try pidfile.map { pattern in
            try Self.check { try NodeNames.fileName(pattern, nodename: nodename) }
        }
        if let pidPath { try Pidfile.create(at: pidPath) }
        defer { if let pidPath { Pidfile.remove(at: pidPath) } }

        let registry = TaskRegistry()
        if includeTestTasks { IntegrationTasks.register(into: registry) }
        let services =
            withoutSigmaTasks
            ? nil : try SigmaTasks.register(into: registry, environment: environment, logger: logger)
        var resources: [any Service] = services.map { [$0.executor] } ?? []
        var beatDatabases: DatabaseRouter?
        if beat {
            let (service, router) = try BeatCommand.makeService(
                environment: environment, workerConfiguration: configuration, logger: Logger(label: "celery.beat"),
                node: nodename, maxInterval: nil, dbAlias: "default")
            resources.append(service)
            beatDatabases = router
        }
        let (group, runtime) = WorkerApplication.build(
            configuration: configuration, registry: registry, logger: logger, resources: resources
        ) { runtime in
            guard let metrics, let prometheus else { return [] }
            return [
                ObservabilityServer(
                    host: metrics.host, port: metrics.port, registry: prometheus, runtime: runtime,
                    logger: Logger(label: "sigma-worker.metrics"))
            ]
        }
        do {
            try await group.run()
        } catch {
            await services?.shutdown()
            await beatDatabases?.shutdown()
            throw error
        }
        await services?.shutdown()
        await beatDatabases?.shutdown()
        if runtime.replacementReason != nil || runtime.restartRequested {
            if let pidPath { Pidfile.remove(at: pidPath) }
            sink.flush()
            ProcessReplacement.execute(logger: logger)
            throw ExitCode(1)  // exec failed: exit non-zero so a supervisor restarts the worker
        }
    }

    /// The option values, validated as Celery validates them.
    struct Options {
        var level: Logger.Level
        var concurrency: Int?
        var pool: WorkerOptionValues.Pool?
        var autoscale: (maximum: Int, minimum: Int)?
        var prefetchMultiplier: Int?
        var maxTasksPerChild: Int?
        var maxMemoryPerChild: Int?
        var timeLimit: Double?
        var softTimeLimit: Double?
        var shutdownTimeout: Double?
    }

    private func parsedOptions() throws -> Options {
        let cpus = ProcessInfo.processInfo.activeProcessorCount
        let levelName = try Self.check { try WorkerOptionValues.logLevel(loglevel) }
        let level = CeleryLogHandler.level(named: levelName == "FATAL" ? "critical" : levelName) ?? .warning
        if let optimization { _ = try Self.check { try WorkerOptionValues.optimization(optimization) } }
        if let poolStartMethod, !["fork", "spawn"].contains(poolStartMethod) {
            try Self.usageError(
                "Invalid value for '--pool-start-method': '\(poolStartMethod)' is not one of 'fork', 'spawn'.")
        }
        return Options(
            level: level,
            concurrency: try Self.checked(concurrency) { try WorkerOptionValues.concurrency($0, cpus: cpus) },
            pool: try Self.checked(pool) { try WorkerOptionValues.pool($0) },
            autoscale: try Self.checked(autoscale) { try WorkerOptionValues.autoscale($0) },
            prefetchMultiplier: try Self.checked(prefetchMultiplier) {
                try WorkerOptionValues.count($0, option: "--prefetch-multiplier")
            },
            maxTasksPerChild: try Self.checked(maxTasksPerChild) {
                try WorkerOptionValues.count($0, option: "--max-tasks-per-child")
            },
            maxMemoryPerChild: try Self.checked(maxMemoryPerChild) {
                try WorkerOptionValues.count($0, option: "--max-memory-per-child")
            },
            timeLimit: try Self.checked(timeLimit) { try WorkerOptionValues.seconds($0, option: "--time-limit") },
            softTimeLimit: try Self.checked(softTimeLimit) {
                try WorkerOptionValues.seconds($0, option: "--soft-time-limit")
            },
            shutdownTimeout: try Self.checked(shutdownTimeout) {
                try WorkerOptionValues.seconds($0, option: "--shutdown-timeout")
            })
    }

    /// An optional option value through its validation (``check(_:)``).
    private static func checked<T>(_ value: String?, _ parse: (String) throws -> T) throws -> T? {
        guard let value else { return nil }
        return try check { try parse(value) }
    }

    private func apply(_ options: Options, to configuration: inout WorkerConfiguration) {
        if let concurrency = options.concurrency { configuration.concurrency = concurrency }
        if let scale = options.autoscale {
            // As in Celery, --autoscale overrides -c; the slots start at the maximum (an idle
            // slot costs nothing here, so there is nothing to gain from growing on demand).
            configuration.concurrency = max(1, scale.maximum)
            configuration.autoscale = WorkerConfiguration.Autoscale(
                maximum: max(1, scale.maximum), minimum: scale.minimum)
        }
        if let pool = options.pool {
            configuration.pool = pool.rawValue
            if pool == .solo { configuration.concurrency = 1 }
        }
        if let queues { configuration.queues = Self.list(queues) }
        if let excludeQueues {
            let excluded = Set(Self.list(excludeQueues))
            configuration.queues.removeAll { excluded.contains($0) }
        }
        if let multiplier = options.prefetchMultiplier, multiplier > 0 { configuration.prefetchMultiplier = multiplier }
        if disablePrefetch { configuration.prefetchMultiplier = 1 }
        configuration.forwardUnknownQueue = forwardUnknown
        configuration.maxTasksPerChild = options.maxTasksPerChild
        configuration.maxMemoryPerChild = options.maxMemoryPerChild
        if let soft = options.softTimeLimit { configuration.softTimeLimit = soft }
        if let hard = options.timeLimit { configuration.timeLimit = hard }
        if let timeout = options.shutdownTimeout { configuration.shutdownTimeout = timeout }
        if taskEvents { configuration.sendTaskEvents = true }
        if withoutHeartbeat { configuration.sendHeartbeats = false }
        configuration.purgeAtStart = purge
    }

    /// One line per option that is accepted but has no effect here.
    private func ignoredOptionWarnings() -> [String] {
        var ignored: [(String, Bool)] = [
            ("--statedb (revoked ids are kept in memory only)", statedb != nil),
            ("--pool-start-method (tasks run in this process)", poolStartMethod != nil),
            ("-I/--include (the tasks are built in)", include != nil),
            ("--loader", loader != nil), ("--config", config != nil),
            ("--executable (there is no Python here)", executable != nil),
            ("-s/--schedule-filename (the schedule is in django-celery-beat's tables)", schedule != nil),
            (
                "--scheduler (the schedule is django-celery-beat's DatabaseScheduler)",
                scheduler.map { !$0.contains("DatabaseScheduler") } ?? false
            ),
            ("-P custom (tasks run in this process)", pool?.lowercased() == "custom"),
        ]
        if !extra.isEmpty { ignored.append(("the settings \(extra.joined(separator: " "))", true)) }
        return ignored.filter(\.1).map { "Ignoring \($0.0): it has no effect in sigma-worker" }
    }

    // MARK: Helpers

    /// The machine's hostname, as Python's `socket.gethostname()`.
    static var machineHostname: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return ProcessInfo.processInfo.hostName }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func list(_ value: String) -> [String] {
        value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Runs a validation; a refusal is printed as Celery prints a usage error (exit status 2).
    static func check<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as WorkerOptionValues.Invalid {
            try usageError("\(error)")
        } catch let error as NodeNames.UnknownKey {
            try usageError("Invalid value: \(error)")
        }
    }

    /// Prints `Error: ...` after Celery's usage lines and exits with status 2, as click does.
    static func usageError(_ message: String) throws -> Never {
        FileHandle.standardError.write(
            Data(
                "Usage: sigma-worker worker [OPTIONS]\nTry 'sigma-worker worker --help' for help.\n\nError: \(message)\n"
                    .utf8))
        throw ExitCode(2)
    }

    /// `-D`: the same command again, without `-D`, in a new session with no terminal; this
    /// process exits at once, as Celery's `--detach` returns to the shell.
    static func detachFromTerminal() throws -> Never {
        let arguments = CommandLine.arguments.filter { $0 != "-D" && $0 != "--detach" }
        do {
            try ProcessReplacement.spawnDetached(arguments: arguments)
        } catch {
            try usageError("cannot detach: \(error)")
        }
        throw ExitCode.success
    }
}
