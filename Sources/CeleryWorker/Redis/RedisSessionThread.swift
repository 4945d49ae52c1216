import Foundation
import Logging
import Synchronization

/// A thread that owns one Redis connection and runs a session on it, over and over: connect,
/// run the session until it throws, then reconnect with the worker's ``ReconnectPolicy`` (one
/// error line when an outage begins, in Celery's wording, and one line when it ends) until the
/// session returns or ``stop()`` is called. The consumer, the queue watchers and the control
/// mailbox are sessions of this type, and so are the two writers (``RedisPipelineThread``);
/// ``stop()`` interrupts a blocked read at once.
final class RedisSessionThread: @unchecked Sendable {
    /// Work on a live connection; throwing a connection error means "reconnect and run me again".
    typealias Session = @Sendable (RedisConnection, RedisSessionThread) throws(RedisError) -> Void

    private let name: String
    private let url: RedisURL
    private let logger: Logger
    private let commandTimeout: Double?
    private let outageLabel: String?
    private let restoredMessage: String
    private let session: Session
    private let pulse: (@Sendable () -> Void)?
    private let display: String
    private let connection = Mutex<RedisConnection?>(nil)
    private let policy = Mutex(ReconnectPolicy())
    private let pause = WakeSignal()
    private let stopping = Atomic<Bool>(false)
    /// Left when the thread ends.
    let finished = WaitGroup()

    /// - Parameters:
    ///   - name: the thread's name.
    ///   - outageLabel: prefix of the outage line (`consumer`, `pidbox`); nil logs no outage.
    ///   - restoredMessage: the line logged when an outage ends.
    ///   - display: the URL as the log lines show it (default: password masked when present).
    ///   - pulse: called at every connection attempt (the systemd watchdog's sign of life).
    init(
        name: String, url: RedisURL, logger: Logger, commandTimeout: Double?, outageLabel: String?,
        restoredMessage: String, display: String? = nil, pulse: (@Sendable () -> Void)? = nil,
        session: @escaping Session
    ) {
        self.pulse = pulse
        self.display = display ?? "\(url)"
        self.name = name
        self.url = url
        self.logger = logger
        self.commandTimeout = commandTimeout
        self.outageLabel = outageLabel
        self.restoredMessage = restoredMessage
        self.session = session
    }

    /// Starts the thread.
    func start() {
        finished.enter()
        let thread = Thread { [self] in
            loop()
            finished.leave()
        }
        thread.name = name
        thread.start()
    }

    /// Ends the session: a blocked read is interrupted, a backoff pause cut short.
    func stop() {
        guard !stopping.exchange(true, ordering: .sequentiallyConsistent) else { return }
        pause.stop()
        connection.withLock { $0?.interrupt() }
    }

    /// Ends a backoff pause now (the next attempt comes at once), without stopping.
    func nudge() { pause.interruptSleep() }

    /// Why the last attempt or session failed (read on the session's own thread, in `pulse`).
    private(set) var lastFailure: RedisError?

    /// Whether ``stop()`` was called.
    var isStopping: Bool { stopping.load(ordering: .sequentiallyConsistent) }

    /// The session made progress: an outage in course is over (logged once).
    func healthy() {
        if policy.withLock({ $0.succeeded() }) {
            RedisMetrics.reconnected(name)
            logger.info("\(restoredMessage)", metadata: ["redis.url": "\(display)"])
        }
    }

    private func loop() {
        // A dropped live connection is announced as Celery does (a warning), then the first
        // attempt that fails to reconnect logs Celery's "Cannot connect" line.
        var announceConnectFailure = true
        while !isStopping {
            pulse?()
            var connected = false
            do throws(RedisError) {
                let fresh = try RedisConnection(url: url, connectTimeout: 2, commandTimeout: commandTimeout)
                connected = true
                connection.withLock { $0 = fresh }
                if isStopping { fresh.interrupt() }
                try session(fresh, self)
                break  // the session ended on its own
            } catch {
                lastFailure = error
                connection.withLock { current in
                    current?.close()
                    current = nil
                }
                if isStopping { break }
                let failure = policy.withLock { $0.failed() }
                if let outageLabel {
                    if connected && failure.beginsOutage {
                        logger.warning(
                            "\(outageLabel): \(ReconnectPolicy.lostMessage)", metadata: ["error": "\(error.message)"])
                        announceConnectFailure = true
                    } else if !connected && (failure.beginsOutage || announceConnectFailure) {
                        let line = ReconnectPolicy.outageMessage(
                            url: display, reason: error.message, delay: failure.delay)
                        logger.error("\(outageLabel): \(line)")
                        announceConnectFailure = false
                    }
                }
                pause.sleep(failure.delay)
            }
        }
        connection.withLock { current in
            current?.close()
            current = nil
        }
    }
}
