import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// A connection that executes queued work in order, as a session of a ``RedisSessionThread``
/// (the one connection-thread type: connect, reconnect with the worker's ``ReconnectPolicy``,
/// one line per outage in Celery's wording).
///
/// Consecutive `batch` jobs queued while the thread was busy go out in **one** write, which is
/// what makes acks and result writes cheap under load, and the thread does not wait for their
/// replies before it writes the next ones: replies are read as they come (`poll` on the socket
/// and on a wake-up pipe), so a queued write waits for nothing but the previous write, never
/// for a round trip. `exclusive` jobs get the connection to themselves (WATCH/MULTI sequences)
/// once every reply due has come. After a connection loss everything unanswered is written
/// again, in order, on the next connection; once an outage has lasted `retryBudget` seconds (at
/// once after ``stopRetrying()``, one second when stopping) the waiting jobs fail instead.
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

    /// Commands written together, with the completions of the jobs they came from.
    private struct InFlight {
        var commands: [[[UInt8]]]
        var completions: [(Range<Int>, @Sendable (Result<[RedisReply], RedisError>) -> Void)]
        /// `written` callbacks not yet run (the first write failed; they run once it is out).
        var unannounced: [@Sendable () -> Void]
    }

    private let url: RedisURL
    private let logger: Logger
    private let name: String
    /// Gives up on the waiting jobs after this many seconds of outage (their completions get the error).
    let retryBudget: Double

    // Shared with the callers, under `condition`.
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var stopping = false
    private var failFast = false
    /// Whether the session thread is (about to be) in `poll` and must be woken through the pipe.
    private var polling = false

    // The session thread's own.
    private var session: RedisSessionThread?
    /// Written batches whose replies are still due, oldest first.
    private var inFlight: [InFlight] = []
    /// Replies of `inFlight[0]` read so far.
    private var partial: [RedisReply] = []
    /// An exclusive job a connection loss interrupted: it runs again first on the next connection.
    private var interrupted: Job?
    /// When the current outage began, and the error that began it.
    private var outageStarted: Date?
    private var lastError = RedisError(.connection, "not connected")
    /// Whether a connection was attempted before, and served since (else that attempt failed).
    private var attemptedBefore = false
    private var servedSinceAttempt = false

    /// A pipe whose read end wakes the thread from `poll` when a job is queued while replies are due.
    private let wakeup: Int32
    private let wakeupWriter: Int32

    /// Starts the thread; it connects at once and stays connected (reconnecting) until stopped.
    public init(name: String, url: RedisURL, logger: Logger, retryBudget: Double = 30) {
        self.url = url
        self.logger = logger
        self.name = name
        self.retryBudget = retryBudget
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
            }
        }
        wakeup = ends[0]
        wakeupWriter = ends[1]
        let session = RedisSessionThread(
            name: name, url: url, logger: logger, commandTimeout: 30, outageLabel: name,
            restoredMessage: ReconnectPolicy.connectedMessage(url: "\(url)"),
            pulse: { [self] in beforeConnecting() },  // the session keeps this object alive until it ends
            session: { [self] connection, thread throws(RedisError) in try serve(connection, thread) })
        self.session = session
        session.start()
    }

    deinit {
        close(wakeup)
        close(wakeupWriter)
    }

    // MARK: Queueing work

    /// Queues commands for the shared pipeline.
    public func send(
        _ commands: [[[UInt8]]], written: (@Sendable () -> Void)? = nil,
        completion: @escaping @Sendable (Result<[RedisReply], RedisError>) -> Void
    ) {
        enqueue(.batch(commands: commands, written: written, completion: completion))
    }

    /// Runs `body` once every job queued before this call is in the socket buffer or has failed:
    /// a barrier that costs no round trip of its own (it rides on the next write).
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
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
        wake()
        session?.nudge()  // a backoff pause ends now: the next attempt sees `stopping`
        await session?.finished.wait()
    }

    /// From now on a job whose connection fails fails at once instead of retrying (shutdown:
    /// what cannot be written now is left in Redis' reservations for a visibility sweep).
    public func stopRetrying() {
        condition.lock()
        failFast = true
        condition.broadcast()
        condition.unlock()
        session?.nudge()
    }

    private func enqueue(_ job: Job) {
        condition.lock()
        jobs.append(job)
        let wakeThread = polling
        polling = false
        condition.signal()
        condition.unlock()
        if wakeThread { wake() }
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = Glibc.write(wakeupWriter, &byte, 1)
    }

    // MARK: The session (on the session thread)

    /// One connection's life: write again what the last one left unanswered, then serve the
    /// queue until stopped with nothing left. Throws on a connection loss (the session thread
    /// reconnects and calls it again).
    private func serve(_ connection: RedisConnection, _ thread: RedisSessionThread) throws(RedisError) {
        servedSinceAttempt = true
        do throws(RedisError) {
            partial.removeAll()
            for index in inFlight.indices {
                try connection.write(inFlight[index].commands)
                announce(&inFlight[index])
            }
            if let job = interrupted {
                interrupted = nil
                try run([job], connection, thread)
            }
            while true {
                condition.lock()
                while jobs.isEmpty && inFlight.isEmpty && !stopping { condition.wait() }
                if jobs.isEmpty && inFlight.isEmpty {  // stopping, and nothing is left: the session ends
                    condition.unlock()
                    return
                }
                if jobs.isEmpty {  // replies are due and nothing is queued: wait for either
                    polling = true
                    condition.unlock()
                    try awaitReplies(connection, thread, watchingJobs: true)
                    continue
                }
                let pending = jobs
                jobs.removeAll(keepingCapacity: true)
                condition.unlock()
                try run(pending, connection, thread)
            }
        } catch {
            if outageStarted == nil { outageStarted = Date() }
            lastError = error
            throw error
        }
    }

    /// Writes the jobs in order (consecutive batches in one write). On a connection loss the
    /// jobs not yet written go back to the front of the queue.
    private func run(_ pending: [Job], _ connection: RedisConnection, _ thread: RedisSessionThread)
        throws(RedisError)
    {
        var index = 0
        do throws(RedisError) {
            while index < pending.count {
                if case .exclusive(let body, let failure) = pending[index] {
                    while !inFlight.isEmpty { try awaitReplies(connection, thread, watchingJobs: false) }
                    interrupted = pending[index]
                    index += 1
                    do throws(RedisError) {
                        try body(connection)
                    } catch  where error.code != .connection && error.code != .unavailable {
                        failure(error)  // the server refused: the job fails, the connection is fine
                    }
                    interrupted = nil
                    outageEnded(thread)
                    continue
                }
                var batch = InFlight(commands: [], completions: [], unannounced: [])
                batching: while index < pending.count {
                    switch pending[index] {
                    case .exclusive:
                        break batching
                    case .batch(let commands, let sent, let completion):
                        batch.completions.append(
                            (batch.commands.count..<batch.commands.count + commands.count, completion))
                        batch.commands.append(contentsOf: commands)
                        if let sent { batch.unannounced.append(sent) }
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
                        let range = batch.commands.count..<batch.commands.count + prefixes.count + 2
                        batch.commands.append(["MULTI".bytes])
                        for prefix in prefixes { batch.commands.append(prefix + items) }
                        batch.commands.append(["EXEC".bytes])
                        for completion in group { batch.completions.append((range, completion)) }
                    }
                }
                if batch.commands.isEmpty {  // barriers alone: everything before them is already out
                    announce(&batch)
                    for (_, completion) in batch.completions { completion(.success([])) }
                    continue
                }
                inFlight.append(batch)
                try connection.write(batch.commands)
                announce(&inFlight[inFlight.count - 1])
            }
        } catch {
            condition.withLock { jobs.insert(contentsOf: pending[index...], at: 0) }
            throw error
        }
    }

    /// Runs a batch's `written` callbacks (once).
    private func announce(_ batch: inout InFlight) {
        let callbacks = batch.unannounced
        batch.unannounced.removeAll()
        for callback in callbacks { callback() }
    }

    /// Waits until the socket has replies (or, when `watchingJobs`, a job was queued), then
    /// completes every batch whose replies are all in.
    private func awaitReplies(_ connection: RedisConnection, _ thread: RedisSessionThread, watchingJobs: Bool)
        throws(RedisError)
    {
        guard let descriptor = connection.descriptor else { throw RedisError(.connection, "the connection is closed") }
        var descriptors = [
            pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeup, events: Int16(POLLIN), revents: 0),
        ]
        let ready = poll(&descriptors, watchingJobs ? 2 : 1, 30_000)
        if watchingJobs {
            condition.withLock { polling = false }
            if descriptors[1].revents != 0 {
                var drained = [UInt8](repeating: 0, count: 64)
                _ = read(wakeup, &drained, drained.count)
            }
        }
        if ready == 0 { throw RedisError(.connection, "connection to \(url) lost: no reply for 30 s") }
        guard ready > 0, descriptors[0].revents != 0 else { return }  // EINTR, or only a wake-up
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
            outageEnded(thread)
            for (range, completion) in batch.completions { completion(.success(Array(replies[range]))) }
            if inFlight.isEmpty { return }
        }
    }

    /// A job completed: an outage in course is over (the session logs it once). Nothing to do, and
    /// no lock taken, while there is none.
    private func outageEnded(_ thread: RedisSessionThread) {
        guard outageStarted != nil else { return }
        outageStarted = nil
        thread.healthy()
    }

    /// Before each connection attempt: once the outage has lasted the retry budget (at once
    /// after ``stopRetrying()``, one second when stopping), the waiting jobs fail with its error;
    /// when stopping with nothing left, the session ends.
    private func beforeConnecting() {
        if attemptedBefore && !servedSinceAttempt && outageStarted == nil { outageStarted = Date() }  // it failed
        attemptedBefore = true
        servedSinceAttempt = false
        let (failFast, stopping) = condition.withLock { (self.failFast, self.stopping) }
        if let started = outageStarted, case let elapsed = Date().timeIntervalSince(started),
            failFast || (stopping && elapsed > 1) || elapsed > retryBudget
        {
            let error = session?.lastFailure ?? lastError
            let failed = inFlight
            inFlight.removeAll()
            partial.removeAll()
            var waiting = condition.withLock { () -> [Job] in
                defer { jobs.removeAll() }
                return jobs
            }
            if let job = interrupted { waiting.insert(job, at: 0) }
            interrupted = nil
            for var batch in failed {
                announce(&batch)
                for (_, completion) in batch.completions { completion(.failure(error)) }
            }
            for job in waiting { Self.fail(job, error) }
            outageStarted = Date()  // jobs queued from now on get a budget of their own
        }
        if stopping, inFlight.isEmpty, interrupted == nil, condition.withLock({ jobs.isEmpty }) { session?.stop() }
    }

    private static func fail(_ job: Job, _ error: RedisError) {
        switch job {
        case .batch(_, let written, let completion):
            written?()
            completion(.failure(error))
        case .exclusive(_, let failure):
            failure(error)
        case .mergeable(_, _, let completion):
            completion(.failure(error))
        }
    }
}

/// A Redis command from string arguments.
func redisCommand(_ arguments: String...) -> [[UInt8]] { arguments.map { [UInt8]($0.utf8) } }

extension String {
    /// The UTF-8 bytes, as a Redis argument.
    var bytes: [UInt8] { [UInt8](utf8) }
}
