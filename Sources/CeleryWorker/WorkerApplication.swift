import Logging
import ServiceLifecycle

/// Builds the running application: the worker service inside a service group that turns
/// SIGTERM/SIGINT into a warm shutdown and SIGQUIT into a cold one. A worker that stops on its
/// own (to have its process replaced) ends the group normally.
public enum WorkerApplication {
    /// Builds the service group for a worker.
    public static func build(
        configuration: WorkerConfiguration, registry: TaskRegistry, logger: Logger
    ) -> (group: ServiceGroup, worker: Worker) {
        let worker = Worker(configuration: configuration, registry: registry, logger: logger)
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: worker, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [.sigquit], logger: logger))
        return (group, worker)
    }
}
