import CeleryWorker
import Logging

/// # SigmaTasks
///
/// SIGMA's background tasks (`servicio_tecnico.enviar_correo_rhitso`,
/// `servicio_tecnico.enviar_diagnostico_cliente`, `servicio_tecnico.enviar_imagenes_cliente`,
/// `config.celery.debug_task`) with the names, parameters, results, log lines, e-mails, PDFs and
/// database writes of the Python worker, and the differences decided in DECISIONS.md:
///
/// - ``SigmaServices`` holds what the tasks share (``SigmaTaskConfiguration``, the country
///   databases, the mail backend, ``EmailTemplates``, threads for blocking work).
/// - ``MediaStorage`` and ``StaticAssets`` find uploaded images and static images.
/// - Every task retries after `SIGMA_RETRY_COUNTDOWN` seconds (60) at most 3 times, never e-mails
///   twice for one task id (a marker in the result backend), writes the database in one
///   transaction, and removes its temporary files on every path.
public enum SigmaTasks {
    /// The registered task names.
    public static let taskNames = [DebugTask.name, RhitsoTask.name, DiagnosticoTask.name, ImagenesTask.name]

    /// Registers the four SIGMA tasks.
    ///
    /// - Parameters:
    ///   - registry: the worker's registry.
    ///   - services: what the tasks share.
    public static func register(into registry: TaskRegistry, services: SigmaServices) {
        let retries = services.configuration.maxRetries
        let delay = services.configuration.retryCountdown
        registry.register(
            TaskOptions(name: DebugTask.name, maxRetries: 3, ignoreResult: true),
            signature: TaskSignature(
                functionName: "debug_task", acceptsExtraPositional: true, acceptsExtraKeywords: true)
        ) { context in try await DebugTask.run(context) }
        registry.register(
            TaskOptions(name: RhitsoTask.name, maxRetries: retries, defaultRetryDelay: delay),
            signature: RhitsoTask.signature
        ) { context in try await RhitsoTask.run(context, services: services) }
        registry.register(
            TaskOptions(name: DiagnosticoTask.name, maxRetries: retries, defaultRetryDelay: delay),
            signature: DiagnosticoTask.signature
        ) { context in try await DiagnosticoTask.run(context, services: services) }
        registry.register(
            TaskOptions(name: ImagenesTask.name, maxRetries: retries, defaultRetryDelay: delay),
            signature: ImagenesTask.signature
        ) { context in try await ImagenesTask.run(context, services: services) }
    }

    /// Builds the services from the environment and registers the tasks.
    ///
    /// - Parameters:
    ///   - registry: the worker's registry.
    ///   - environment: the variables (`.env` merged in): `SIGMA_BASE_DIR`, `DB_*`, `EMAIL_*`, …
    ///   - logger: the worker's logger.
    /// - Returns: the services; call ``SigmaServices/shutdown()`` when the worker stops.
    /// - Throws: a configuration error naming the bad key.
    @discardableResult
    public static func register(
        into registry: TaskRegistry, environment: [String: String], logger: Logger
    ) throws -> SigmaServices {
        let services = try SigmaServices(environment: environment, logger: logger)
        register(into: registry, services: services)
        return services
    }
}
