import CeleryWorker
import CoreMetrics
import Prometheus

/// Where the metrics endpoint listens, and swift-metrics' bootstrap to a Prometheus registry.
public enum MetricsEndpoint {
    public struct Settings: Sendable, Equatable {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    /// `--metrics-port`/`--metrics-host`, else `SIGMA_METRICS_PORT`/`SIGMA_METRICS_HOST`; nil
    /// (off) when no port is given. 127.0.0.1 unless a host is.
    public static func settings(port: Int?, host: String?, environment: [String: String]) throws(WorkerOptionValues
        .Invalid) -> Settings?
    {
        var chosen = port
        if chosen == nil, let text = environment["SIGMA_METRICS_PORT"], !text.isEmpty {
            guard let value = Int(text) else {
                throw WorkerOptionValues.Invalid("SIGMA_METRICS_PORT", "'\(text)' is not a port number")
            }
            chosen = value
        }
        guard let chosen else { return nil }
        guard (0...65_535).contains(chosen) else {
            throw WorkerOptionValues.Invalid("--metrics-port", "\(chosen) is not a port number")
        }
        let address = host ?? environment["SIGMA_METRICS_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        return Settings(host: address, port: chosen)
    }

    /// Bootstraps swift-metrics (once per process) to a new Prometheus registry, with
    /// celery-exporter's runtime buckets.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        let buckets = WorkerMetrics.runtimeBuckets.map { Duration.nanoseconds(Int64(($0 * 1e9).rounded())) }
        let writes = WorkerMetrics.resultWriteBuckets.map { Duration.nanoseconds(Int64(($0 * 1e9).rounded())) }
        factory.durationHistogramBuckets = ["celery_task_runtime": buckets, "sigma_result_write_seconds": writes]
        MetricsSystem.bootstrap(factory)
        return registry
    }
}
