import Foundation
import Logging

/// A dedicated thread that owns one Redis connection and executes queued work in order.
///
/// Consecutive `batch` jobs queued while the thread was busy go out in **one** write, which is
/// what makes acks and result writes cheap under load, and the thread does not wait for their
/// replies before it writes the next ones: replies are read as they come (`poll` on the socket
/// and on a wake-up descriptor), so a queued write waits for nothing but the previous write,
/// never for a round trip. `exclusive` jobs get the connection to themselves (WATCH/MULTI
/// sequences) once every reply due has come. After a connection loss the thread reconnects with
/// exponential backoff, logs once per outage, and sends everything still unanswered again.
public final class RedisPipelineThread: @unchecked Sendable {
    /// A unit of work.
    enum Job {
        /// Commands sent in the shared pipeline; the completion receives their replies.
        case batch(
            commands: [[[UInt8]]], written: (@Sendable () -> Void)?,
            completion: @Sendable (Result<[RedisReply], RedisError>) -> Void)
        /// Work that needs the connection alone.
        case exclusive(@Sendable (RedisConnection) throws(RedisError) -> Void, failure: @Sendable (RedisError) -> Void)
        /// `MULTI; prefix₁ + items; prefix₂ + items; …; EXEC`. Directly consecutive jobs with the
        /// same prefixes (nothing queued between them) become one transaction with their items
        /// concatenated — same end state, one MULTI/EXEC instead of one per job.
        case mergeable(
            prefixes: [[[UInt8]]], items: [[UInt8]], completion: @Sendable (Result<[RedisReply], RedisError>) -> Void)
    }

    private let url: RedisURL
    private let logger: Logger
    private let name: String
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var stopping = false
    private var finished = false
    private var stopWaiters: [CheckedContinuation<Void, Never>] = []
    private var connection: RedisConnection?
    private var outage = false
    private var thread: Thread?
    private var failFast = false
    /// Written commands whose replies are still due, oldest first (only the thread touches it).
    private var inFlight: [InFlight] = []
    /// When the outage of the in-flight batches began, and its backoff.
    private var outageStarted: Date?
    private var outagePolicy = ReconnectPolicy()
    /// Replies of `inFlight[0]` read so far.
    private var partial: [RedisReply] = []
    /// A pipe whose read end wakes the thread from `poll` when a job is queued while replies are due.
    private let wakeup: Int32
    private let wakeupWriter: Int32
    /// Whether the thread is (about to be) in `poll` and must be woken through `wakeup`.
    private var polling = false

    /// Commands written together, with the completions of the jobs they came from.
    private struct InFlight {
        var commands: [[[UInt8]]]
        var completions: [(Range<Int>, @Sendable (Result<[RedisReply], RedisError>) -> Void)]
    }
    /// Gives up on a job after this many seconds of failed reconnection (the job's completion gets the error).
    let retryBudget: Double

    /// Starts the thread; the connection is opened on first use.
    public init(name: String, url: RedisURL, logger: Logger, retryBudget: Double = 30) {
        self.url = url
        self.logger = logger
        self.name = name
        self.retryBudget = retryBudget
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends { _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK) }
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        }
        self.wakeup = ends[0]
        self.wakeupWriter = ends[1]
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = name
        self.thread = thread
        thread.start()
    }

    deinit {
        close(wakeup)
        close(wakeupWriter)
    }

    /// Queues commands for the shared pipeline.
    public func send(
        _ commands: [[[UInt8]]], written: (@Sendable () -> Void)? = nil,
        completion: @escaping @Sendable (Result<[RedisReply], RedisError>) -> Void
    ) {
        enqueue(.batch(commands: commands, written: written, completion: completion))
    }

    /// Runs `body` once every job queued before this call is in the socket buffer or has failed:
    /// a barrier that costs no round trip of its own (it rides on the next pipeline).
    public func afterQueued(_ body: @escaping @Sendable () -> Void) {
        enqueue(.batch(commands: [], written: body, completion: { _ in }))
    }

    /// Queues a transaction `MULTI; prefix + items for each prefix; EXEC` that may share its
    /// MULTI/EXEC with directly adjacent transactions of the same prefixes (e.g. acks:
    /// `ZREM unacked_index tags…` + `HDEL unacked tags…`). The completion receives the replies
    /// of the (possibly merged) transaction.
    public func sendMergeable(
        prefixes: [[[UInt8]]], items: [[UInt8]],
        completion: @escaping @Sendable (Result<[RedisReply], RedisError>) -> Void
    ) {
        enqueue(.mergeable(prefixes: prefixes, items: items, completion: completion))
    }

    /// Sends commands and waits for their replies.
    public func send(_ commands: [[[UInt8]]]) async throws(RedisError) -> [RedisReply] {
        let result: Result<[RedisReply], RedisError> = await withCheckedContinuation { continuation in
            send(commands) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Runs work with the connection to itself and returns its result.
    public func exclusive<T: Sendable>(_ body: @escaping @Sendable (RedisConnection) throws(RedisError) -> T)
        async throws(RedisError) -> T
    {
        let result: Result<T, RedisError> = await withCheckedContinuation { continuation in
            enqueue(
                .exclusive(
                    { (connection: RedisConnection) throws(RedisError) in
                        continuation.resume(returning: .success(try body(connection)))
                    },
                    failure: { continuation.resume(returning: .failure($0)) }))
        }
        return try result.get()
    }

    /// Finishes the queued jobs, then ends the thread and closes the connection; returns when
    /// that is done (so nothing queued is lost when the process exits next).
    public func stop() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            stopping = true
            if finished {
                condition.unlock()
                continuation.resume()
                return
            }
            stopWaiters.append(continuation)
            condition.signal()
            condition.unlock()
        }
    }

    /// From now on a job whose connection fails fails at once instead of retrying (shutdown:
    /// what cannot be written now is left in Redis' reservations for a visibility sweep).
    public func stopRetrying() {
        condition.lock()
        failFast = true
        condition.broadcast()
        condition.unlock()
    }

    private func enqueue(_ job: Job) {
        condition.lock()
        jobs.append(job)
        let wake = polling
        polling = false
        condition.signal()
        condition.unlock()
        if wake {
            var byte: UInt8 = 1
            _ = Glibc.write(wakeupWriter, &byte, 1)
        }
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && inFlight.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty && inFlight.isEmpty {  // stopping, and nothing is left
                connection?.close()
                connection = nil
                finished = true
                let waiters = stopWaiters
                stopWaiters.removeAll()
                condition.unlock()
                for waiter in waiters { waiter.resume() }
                return
            }
            if jobs.isEmpty {  // replies are due and nothing is queued: wait for either
                polling = true
                condition.unlock()
                awaitReplies(watchingJobs: true)
                continue
            }
            let pending = jobs
            jobs.removeAll(keepingCapacity: true)
            condition.unlock()
            var index = 0
            while index < pending.count {
                if case .exclusive(let body, let failure) = pending[index] {
                    while !inFlight.isEmpty { awaitReplies(watchingJobs: false) }
                    runExclusive(body, failure: failure)
                    index += 1
                    continue
                }
                var commands: [[[UInt8]]] = []
                var completions: [(Range<Int>, @Sendable (Result<[RedisReply], RedisError>) -> Void)] = []
                var written: [@Sendable () -> Void] = []
                batching: while index < pending.count {
                    switch pending[index] {
                    case .exclusive:
                        break batching
                    case .batch(let batch, let sent, let completion):
                        completions.append((commands.count..<commands.count + batch.count, completion))
                        commands.append(contentsOf: batch)
                        if let sent { written.append(sent) }
                        index += 1
                    case .mergeable(let prefixes, var items, let completion):
                        var group = [completion]
                        index += 1
                        while index < pending.count,
                            case .mergeable(let next, let more, let completion) = pending[index],
                            next == prefixes
                        {
                            items.append(contentsOf: more)
                            group.append(completion)
                            index += 1
                        }
                        let range = commands.count..<commands.count + prefixes.count + 2
                        commands.append(["MULTI".bytes])
                        for prefix in prefixes { commands.append(prefix + items) }
                        commands.append(["EXEC".bytes])
                        for completion in group { completions.append((range, completion)) }
                    }
                }
                send(InFlight(commands: commands, completions: completions), written: written)
            }
        }
    }

    /// Writes one batch behind the ones in flight; its replies are read later, in order. The
    /// `written` callbacks run once it is in the socket buffer (or has failed for good).
    private func send(_ batch: InFlight, written: [@Sendable () -> Void]) {
        if batch.commands.isEmpty {  // barriers alone: everything before them is already out
            for callback in written { callback() }
            for (_, completion) in batch.completions { completion(.success([])) }
            return
        }
        inFlight.append(batch)
        do throws(RedisError) {
            try currentConnection().write(batch.commands)
        } catch {
            recover(from: error)  // sends it again with the rest, or fails them all
        }
        for callback in written { callback() }
    }

    /// Waits until the socket has replies (or, when `watchingJobs`, a job was queued), then
    /// completes every batch whose replies are all in.
    private func awaitReplies(watchingJobs: Bool) {
        guard let connection, let descriptor = connection.descriptor else {
            recover(from: RedisError(.connection, "the connection is closed"))
            return
        }
        var descriptors = [
            pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeup, events: Int16(POLLIN), revents: 0),
        ]
        let ready = poll(&descriptors, watchingJobs ? 2 : 1, 30_000)
        if watchingJobs {
            condition.lock()
            polling = false
            condition.unlock()
            if descriptors[1].revents != 0 {
                var drained = [UInt8](repeating: 0, count: 64)
                _ = read(wakeup, &drained, drained.count)
            }
        }
        if ready == 0 {
            recover(from: RedisError(.connection, "connection to \(url) lost: no reply for 30 s"))
            return
        }
        guard ready > 0, descriptors[0].revents != 0 else { return }  // EINTR, or only a wake-up
        do throws(RedisError) {
            try connection.readAvailable()
            while let reply = try connection.bufferedReply() {
                partial.append(reply)
                guard partial.count == inFlight[0].commands.count else { continue }
                // A restarted Redis answers LOADING until its data is back: nothing ran, send it all again.
                if let transient = partial.first(where: \.isTransientError), case .error(let message) = transient {
                    throw RedisError(.unavailable, message)
                }
                let replies = partial
                partial.removeAll(keepingCapacity: true)
                let batch = inFlight.removeFirst()
                outageStarted = nil
                outagePolicy = ReconnectPolicy()
                if outage {
                    outage = false
                    logger.info("\(ReconnectPolicy.connectedMessage(url: "\(url)"))", metadata: ["thread": "\(name)"])
                }
                for (range, completion) in batch.completions { completion(.success(Array(replies[range]))) }
                if inFlight.isEmpty { return }
            }
        } catch {
            recover(from: error)
        }
    }

    /// After a failed write or read: reconnects with the worker's ``ReconnectPolicy`` and writes
    /// every batch still unanswered again, in order; once the outage has lasted `retryBudget`
    /// seconds (at once after ``stopRetrying()``, one second when stopping) their completions get
    /// the error instead.
    private func recover(from error: RedisError) {
        var error = error
        connection?.close()
        connection = nil
        partial.removeAll()
        let started = outageStarted ?? Date()
        outageStarted = started
        while true {
            guard error.code == .connection || error.code == .unavailable else { break }
            let failure = outagePolicy.failed()
            if !outage {
                outage = true
                let line = ReconnectPolicy.outageMessage(url: "\(url)", reason: error.message, delay: failure.delay)
                logger.error("\(name): \(line)")
            }
            let giveUp = condition.withLock { failFast || (stopping && Date().timeIntervalSince(started) > 1) }
            if giveUp || Date().timeIntervalSince(started) > retryBudget { break }
            condition.lock()
            _ = condition.wait(until: Date().addingTimeInterval(failure.delay))
            condition.unlock()
            do throws(RedisError) {
                let fresh = try currentConnection()
                for batch in inFlight { try fresh.write(batch.commands) }
                return
            } catch let again {
                connection = nil
                error = again
            }
        }
        outageStarted = nil
        outagePolicy = ReconnectPolicy()
        let failed = inFlight
        inFlight.removeAll()
        for batch in failed {
            for (_, completion) in batch.completions { completion(.failure(error)) }
        }
    }

    private func runExclusive(
        _ body: @Sendable (RedisConnection) throws(RedisError) -> Void, failure: @Sendable (RedisError) -> Void
    ) {
        let result = withRetries { (connection: RedisConnection) throws(RedisError) in try body(connection) }
        if case .failure(let error) = result { failure(error) }
    }

    /// Runs `body` with a live connection, reconnecting with the worker's ``ReconnectPolicy`` on
    /// connection errors, for up to `retryBudget` seconds (none once ``stopRetrying()`` was called).
    private func withRetries<T>(_ body: (RedisConnection) throws(RedisError) -> T) -> Result<T, RedisError> {
        let started = Date()
        var policy = ReconnectPolicy()
        while true {
            do throws(RedisError) {
                let connection = try currentConnection()
                let value = try body(connection)
                outageStarted = nil
                outagePolicy = ReconnectPolicy()
                if outage {
                    outage = false
                    logger.info("\(ReconnectPolicy.connectedMessage(url: "\(url)"))", metadata: ["thread": "\(name)"])
                }
                return .success(value)
            } catch {
                guard error.code == .connection || error.code == .unavailable else { return .failure(error) }
                connection = nil
                let failure = policy.failed()
                if !outage {
                    outage = true
                    let line = ReconnectPolicy.outageMessage(url: "\(url)", reason: error.message, delay: failure.delay)
                    logger.error("\(name): \(line)")
                }
                let giveUp = condition.withLock { failFast || (stopping && Date().timeIntervalSince(started) > 1) }
                if giveUp || Date().timeIntervalSince(started) > retryBudget { return .failure(error) }
                condition.lock()
                _ = condition.wait(until: Date().addingTimeInterval(failure.delay))
                condition.unlock()
            }
        }
    }

    private func currentConnection() throws(RedisError) -> RedisConnection {
        if let connection { return connection }
        let fresh = try RedisConnection(url: url, connectTimeout: 5, commandTimeout: 30)
        connection = fresh
        return fresh
    }
}

/// A Redis command from string arguments.
func redisCommand(_ arguments: String...) -> [[UInt8]] { arguments.map { [UInt8]($0.utf8) } }

extension String {
    /// The UTF-8 bytes, as a Redis argument.
    var bytes: [UInt8] { [UInt8](utf8) }
}
