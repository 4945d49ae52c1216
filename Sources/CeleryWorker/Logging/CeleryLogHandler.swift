import Foundation
import Logging
import Synchronization

/// Writes log lines the way Celery's worker does:
/// `[2026-11-25 04:42:00,123: INFO/MainProcess] message`, to standard error or a log file.
public struct CeleryLogHandler: LogHandler {
    /// Where lines go: shared by every logger made from one handler.
    public final class Sink: Sendable {
        private enum Target {
            case descriptor(Int32)
            case file(WatchedLogFile)
        }

        /// Lines waiting for the writer, and whether a thread is writing. The target itself is only
        /// touched by the thread that set `writing`.
        private struct Queue {
            var pending: [UInt8] = []
            var writing = false
        }

        private let target: Target
        private let queue = Mutex(Queue())

        /// Standard error.
        public static let standardError = Sink(target: .descriptor(2))

        /// Appends to a file (created when missing) that may be rotated under the worker: see
        /// ``WatchedLogFile``.
        public static func file(_ path: String) throws(LogFileError) -> Sink {
            Sink(target: .file(try WatchedLogFile(path: path)))
        }

        private init(target: Target) { self.target = target }

        /// Returns once every line handed over so far is written (before the process exits or
        /// replaces itself: a line another thread appended may still be waiting for the writer).
        public func flush() {
            while queue.withLock({ $0.writing }) { usleep(200) }
        }

        /// Writes one whole line; lines are never interleaved and keep their order. A thread that
        /// finds another writing only appends its line and goes on: the writing thread takes it in
        /// its next write(2) before it returns. So slots never queue behind a write system call,
        /// and a burst of lines costs one system call.
        func write(_ line: String) {
            var line = line
            let writer = queue.withLock { queue -> Bool in
                line.withUTF8 { queue.pending.append(contentsOf: $0) }
                guard !queue.writing else { return false }
                queue.writing = true
                return true
            }
            guard writer else { return }
            var chunk: [UInt8] = []
            while true {
                chunk.removeAll(keepingCapacity: true)
                let more = queue.withLock { queue -> Bool in
                    guard !queue.pending.isEmpty else {
                        queue.writing = false
                        return false
                    }
                    swap(&chunk, &queue.pending)  // the emptied buffer collects the next lines
                    return true
                }
                guard more else { return }
                chunk.withUnsafeBytes { raw in
                    switch target {
                    case .file(let file):
                        file.write(raw)
                    case .descriptor(let descriptor):
                        WatchedLogFile.writeAll(descriptor, raw)
                    }
                }
            }
        }
    }

    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let sink: Sink
    private let processName: String

    /// Creates a handler.
    public init(level: Logger.Level, sink: Sink = .standardError, processName: String = "MainProcess") {
        self.logLevel = level
        self.sink = sink
        self.processName = processName
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "[\(Self.timestamp()): \(Self.levelName(event.level))/\(processName)] \(event.message)"
        // Metadata is only printed at WARNING and above (or when debugging): skip the work otherwise.
        if event.level >= .warning || logLevel <= .debug {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let extra = merged.filter { !["celery.task.id", "celery.task.name"].contains($0.key) }
            if !extra.isEmpty {
                line +=
                    " (" + extra.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
                    + ")"
            }
        }
        sink.write(line + "\n")
    }

    /// Celery's level names.
    static func levelName(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: "DEBUG"
        case .info, .notice: "INFO"
        case .warning: "WARNING"
        case .error: "ERROR"
        case .critical: "CRITICAL"
        }
    }

    /// The formatted second of the last line (`localtime_r` runs once per second, not per line).
    private static let lastSecond = Mutex<(seconds: Int, text: String)>((-1, ""))

    /// `YYYY-MM-DD HH:MM:SS,mmm` in local time, as Python's logging writes `asctime`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let millis = now.tv_nsec / 1_000_000
        let millisText = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        func format(_ seconds: Int) -> String {
            var seconds = seconds
            var parts = tm()
            localtime_r(&seconds, &parts)
            func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
            return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
                + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
        }
        // Threads logging at once do not queue for the cache: a busy cache means format it here.
        let second =
            lastSecond.withLockIfAvailable { cached -> String in
                if cached.seconds == now.tv_sec { return cached.text }
                let text = format(now.tv_sec)
                cached = (now.tv_sec, text)
                return text
            } ?? format(now.tv_sec)
        return second + "," + millisText
    }

    /// Parses `--loglevel` as Celery accepts it.
    public static func level(named name: String) -> Logger.Level? {
        switch name.lowercased() {
        case "debug": .debug
        case "info": .info
        case "warning", "warn": .warning
        case "error": .error
        case "critical", "fatal": .critical
        default: nil
        }
    }
}
