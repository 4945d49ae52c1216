import ArgumentParser
import CeleryBeat
import CeleryWorker
import Foundation
import Logging
import ServiceLifecycle
import SigmaBeat
import SigmaDatabase
import UnixSignals

/// `sigma-worker beat`: `celery beat -S django_celery_beat.schedulers:DatabaseScheduler`, with a
/// Redis lease so that beats may run on several hosts and only one sends.
struct BeatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "beat",
        abstract: "Send the periodic tasks of django-celery-beat's tables (Celery's beat with its DatabaseScheduler).")

    @Option(
        name: [.customShort("A"), .customLong("app")],
        help: "Accepted for compatibility (the schedule is in the database).")
    var app: String?
    @Option(
        name: [.customShort("S"), .customLong("scheduler")],
        help: "Accepted: django_celery_beat.schedulers:DatabaseScheduler.")
    var scheduler: String?
    @Option(name: [.customShort("l"), .customLong("loglevel")], help: "DEBUG, INFO, WARNING, ERROR, CRITICAL.")
    var loglevel = "WARNING"
    @Option(name: [.customShort("f"), .customLong("logfile")], help: "Log to this file instead of standard error.")
    var logfile: String?
    @Option(name: .customLong("max-interval"), help: "Longest sleep between checks, in seconds (default 5).")
    var maxInterval: Double?
    @Option(name: .customLong("db-alias"), help: "The database with the schedule: default (Mexico) or argentina.")
    var dbAlias = "default"
    @Option(
        name: [.customShort("n"), .customLong("hostname")], help: "The node name in the lease (default beat@<host>).")
    var hostname: String?
    @Option(name: [.customShort("b"), .customLong("broker")], help: "The broker URL (default CELERY_BROKER_URL).")
    var broker: String?
    @Option(name: .customLong("pidfile"), help: "Write the process id here.")
    var pidfile: String?
    @Option(name: .customLong("env-file"), help: "The .env file (default: the first .env in this folder or a parent).")
    var envFile: String?

    func run() async throws {
        var environment = EnvironmentLoader.load(envFile: envFile)
        if let broker { environment["CELERY_BROKER_URL"] = broker }
        let workerConfiguration = try WorkerConfiguration(environment: environment)
        guard let level = CeleryLogHandler.level(named: loglevel.lowercased()) else {
            throw ValidationError("Invalid value for '-l' / '--loglevel': '\(loglevel)'.")
        }
        let sink: CeleryLogHandler.Sink = try logfile.map { try .file($0) } ?? .standardError
        LoggingSystem.bootstrap { _ in CeleryLogHandler(level: level, sink: sink) }
        defer { sink.flush() }
        var logger = Logger(label: "celery.beat")
        logger.logLevel = level
        if let pidfile { try Pidfile.create(at: pidfile) }
        defer { if let pidfile { Pidfile.remove(at: pidfile) } }

        let (service, router) = try Self.makeService(
            environment: environment, workerConfiguration: workerConfiguration, logger: logger,
            node: hostname ?? "beat@\(ProcessInfo.processInfo.hostName)", maxInterval: maxInterval, dbAlias: dbAlias)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [.sigquit], logger: logger))
        do {
            try await group.run()
        } catch {
            await router.shutdown()
            throw error
        }
        await router.shutdown()
    }

    /// The beat service of a configuration (for `beat` and `worker -B`), and the database router
    /// to shut down after it.
    static func makeService(
        environment: [String: String], workerConfiguration: WorkerConfiguration, logger: Logger, node: String,
        maxInterval: Double?, dbAlias: String
    ) throws -> (BeatService, DatabaseRouter) {
        var configuration = BeatService.Configuration(node: node)
        func value(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
        if let maxInterval {
            configuration.maxInterval = maxInterval
        } else if let raw = value("CELERY_BEAT_MAX_LOOP_INTERVAL"), let seconds = Double(raw), seconds > 0 {
            configuration.maxInterval = seconds
        }
        if let raw = value("CELERY_BEAT_SYNC_EVERY"), let count = Int(raw) { configuration.syncEveryTasks = count }
        if let raw = value("CELERY_BEAT_CRON_STARTING_DEADLINE"), let seconds = Double(raw) {
            configuration.startingDeadline = seconds
        }
        if let zone = value("CELERY_TIMEZONE") ?? value("TIME_ZONE") {
            guard let parsed = Zone(zone) else { throw ValidationError("Unknown time zone '\(zone)'.") }
            configuration.timezone = parsed
        }
        if let queue = value("CELERY_TASK_DEFAULT_QUEUE") { configuration.defaultQueue = queue }
        if let raw = value("DJANGO_CELERY_BEAT_TZ_AWARE") {
            switch raw.lowercased() {
            case "true", "1", "yes", "on": configuration.tzAware = true
            case "false", "0", "no", "off": configuration.tzAware = false
            default: throw ValidationError("DJANGO_CELERY_BEAT_TZ_AWARE must be True or False, not '\(raw)'.")
            }
        }
        do {
            configuration.configuredEntries = try ConfiguredSchedule.entries(
                json: value("CELERY_BEAT_SCHEDULE"), zone: configuration.timezone,
                resultExpires: workerConfiguration.resultExpires.map(Double.init))
        } catch {
            throw ValidationError("\(error)")
        }
        let alias: DatabaseAlias
        do {
            alias = try DatabaseAlias(dbAlias: dbAlias)
        } catch {
            throw ValidationError("Invalid value for '--db-alias': '\(dbAlias)' (default, mexico or argentina).")
        }
        let router = DatabaseRouter(configuration: try DatabaseConfiguration(environment: environment), logger: logger)
        let redis = BeatRedis(
            url: workerConfiguration.brokerURL, keys: workerConfiguration.brokerKeys, node: node, logger: logger)
        let service = BeatService(
            database: router.database(alias), redis: redis, configuration: configuration, logger: logger)
        return (service, router)
    }
}
