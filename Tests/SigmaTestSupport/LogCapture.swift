import Logging
import Synchronization

/// A `LogHandler` that keeps every rendered line (message and metadata) for assertions.
public final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// All lines logged so far.
    public var all: [String] { lines.withLock { $0 } }

    public init() {}

    /// A logger writing into this capture at trace level.
    public func logger(label: String = "sigma-test") -> Logger {
        Logger(label: label) { _ in Handler(capture: self) }
    }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            capture.append("\(event.level) \(event.message) \(rendered)")
        }
    }
}
