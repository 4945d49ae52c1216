import Logging
import ServiceLifecycle

/// Builds the running worker: one ``WorkerRuntime`` and its services in one `ServiceGroup`, in
/// dependency order. The group starts them together and stops them in reverse order, so the
/// consumer, listed last, stops fetching first, and the writers, listed early, flush last:
///
/// resources (blocking executor) → signals → result writer → broker writer → control mailbox → maintenance → executor → consumer
///
/// `main`, the worker tests and the SIGMA tests all build the worker here.
public enum WorkerApplication {
    /// Builds the service group for a worker.
    /// - Parameters:
    ///   - configuration: the settings.
    ///   - registry: the tasks to run.
    ///   - logger: where the worker logs.
    ///   - handleSignals: trap SIGTERM, SIGINT, SIGQUIT, SIGHUP and SIGUSR1 (off in tests that run
    ///     several workers in one process).
    ///   - resources: services the tasks use (the blocking executor), started first and stopped
    ///     after every other.
    ///   - observers: services that watch the runtime (the metrics endpoint), stopped after all
    ///     but the resources.
    /// - Returns: the group to run, and the runtime (processed count, restart or replacement requests).
    public static func build(
        configuration: WorkerConfiguration, registry: TaskRegistry, logger: Logger, handleSignals: Bool = true,
        resources: [any Service] = [], observers: (WorkerRuntime) -> [any Service] = { _ in [] }
    ) -> (group: ServiceGroup, runtime: WorkerRuntime) {
        let runtime = WorkerRuntime(configuration: configuration, registry: registry, logger: logger)
        var services: [any Service] = resources + observers(runtime)
        if handleSignals {
            services.append(SignalService(runtime: runtime))
        } else {
            runtime.signalsTrapped.store(true, ordering: .sequentiallyConsistent)
        }
        if let backend = runtime.backend { services.append(backend) }
        services += [
            runtime.broker as any Service, ControlMailbox(runtime: runtime), MaintenanceService(runtime: runtime),
            TaskExecutor(runtime: runtime), Consumer(runtime: runtime),
        ]
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map {
                .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup)
            },
            logger: logger)
        // A backstop only: the executor turns a warm shutdown cold when `--shutdown-timeout` passes.
        if let timeout = configuration.shutdownTimeout {
            groupConfiguration.maximumGracefulShutdownDuration = .seconds(timeout + 30)
        }
        let group = ServiceGroup(configuration: groupConfiguration)
        runtime.setShutdownTrigger {
            Task { await group.triggerGracefulShutdown() }
        }
        return (group, runtime)
    }
}
