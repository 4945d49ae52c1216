import CeleryWire
import Foundation
import Logging

/// Writes what a task's run produced, as Celery's worker does: the result state, callbacks and
/// the next chain step, errbacks, retries and chord joins. Nothing is dropped on a Redis failure:
/// a result write or a retry publish is tried again with backoff until it lands or a cold
/// shutdown puts the message back (an acks-late message is only acknowledged after its write).
struct OutcomeRecorder: Sendable {
    let runtime: WorkerRuntime
    let publisher: SignaturePublisher
    let chords: ChordJoiner

    init(runtime: WorkerRuntime) {
        self.runtime = runtime
        self.publisher = SignaturePublisher(runtime: runtime)
        self.chords = ChordJoiner(runtime: runtime, publisher: publisher)
    }

    private var logger: Logger { runtime.logger }
    private var configuration: WorkerConfiguration { runtime.configuration }

    // MARK: Outcomes

    /// SUCCESS: publish callbacks and the next chain step first, then store the result.
    func succeed(_ message: ReservedMessage, value: JSONValue, started: Date) async {
        let request = message.request
        var children: [JSONValue] = []
        for callback in request.callbacks {
            if let child = await publisher.apply(callback, result: value, for: request) { children.append(child) }
        }
        if let next = request.chain.last {
            var step = next
            var rest = Array(request.chain.dropLast())
            if let nested = step.options["chain"]?.arrayValue, rest.isEmpty {
                rest = (try? nested.enumerated().map { try Signature(decoding: $1, field: "chain[\($0)]") }) ?? []
            }
            step.options["chain"] = nil
            if let child = await publisher.apply(step, result: value, for: request, chain: rest) {
                children.append(child)
            }
        }
        if !ignoresResult(message) {
            await store(
                .success(request, result: value, children: children, at: Date().timeIntervalSince1970), for: message)
        }
        await chords.partReturned(request, state: .success, value: value)
        let runtime = Date().timeIntervalSince(started)
        let shown = PythonRepr.truncated(PythonRepr.repr(value))
        self.runtime.events.task(
            "task-succeeded",
            ["uuid": .string(request.id), "result": .string(shown), "runtime": .double(runtime)])
        self.runtime.metrics.task(.succeeded, name: request.task, queue: message.delivery.queue)
        self.runtime.metrics.runtime(name: request.task, queue: message.delivery.queue, seconds: runtime)
        logger.info(
            "Task \(request.displayName)[\(request.id)] succeeded in \(WorkerRuntime.seconds(runtime))s: \(shown)",
            metadata: WorkerRuntime.metadata(request))
    }

    /// FAILURE: store it, mark the rest of the chain failed, send errbacks (with the task id).
    func fail(
        _ message: ReservedMessage, exception: ExceptionInfo, traceback: String?, started: Date,
        withTraceback: Bool = true
    ) async {
        let request = message.request
        let text = withTraceback ? (traceback ?? Self.traceback(exception, task: request.task)) : nil
        let now = Date().timeIntervalSince1970
        if !ignoresResult(message) || message.task.options.storeErrorsEvenIfIgnored {
            await store(.failure(request, exception: exception, traceback: text, at: now), for: message)
        }
        await chords.partReturned(request, state: .failure, value: exception.jsonValue)
        runtime.events.task(
            "task-failed",
            [
                "uuid": .string(request.id), "exception": .string("\(exception)"),
                "traceback": text.map(JSONValue.string) ?? .null,
            ])
        runtime.metrics.task(.failed, name: request.task, queue: message.delivery.queue, exception: exception.type)
        for step in request.chain {
            guard let id = step.presetTaskID else { continue }
            await store(
                ResultRecord(taskID: id, status: .failure, result: exception.jsonValue, traceback: text, dateDone: now))
        }
        await publisher.sendErrbacks(request.errbacks, failedTaskID: request.id, for: request)
        // As Celery's log: the traceback block follows the line (Python's format, or the one the task carried).
        let block = text.map { "\n" + $0.trimmingCharacters(in: .newlines) } ?? ""
        logger.error(
            "Task \(request.displayName)[\(request.id)] raised unexpected: \(exception)\(block)",
            metadata: WorkerRuntime.metadata(request).merging([
                "runtime": "\(WorkerRuntime.seconds(Date().timeIntervalSince(started)))"
            ]) { $1 })
    }

    /// RETRY: republish the same id with `retries + 1` and an eta, store RETRY; past
    /// `max_retries`, FAILURE with the original exception (or MaxRetriesExceededError).
    /// The republish is tried until it lands: the task is never dropped because Redis refused once.
    func retry(_ message: ReservedMessage, retry: TaskRetry, started: Date) async {
        let request = message.request
        let options = message.task.options
        let maxRetries = retry.maxRetries ?? options.maxRetries
        if let maxRetries, request.retries >= maxRetries {
            let exception =
                retry.exception
                ?? ExceptionInfo(
                    type: "MaxRetriesExceededError", module: "celery.exceptions",
                    arguments: [
                        .string(
                            "Can't retry \(request.task)[\(request.id)] args:\(PythonRepr.tuple(request.args)) kwargs:\(PythonRepr.dict(request.kwargs))"
                        )
                    ])
            await fail(message, exception: exception, traceback: nil, started: started)
            return
        }
        let countdown = retry.countdown ?? options.defaultRetryDelay
        let eta = ISODateTime(unixTime: Date().timeIntervalSince1970 + countdown, utcOffset: 0).isoFormat()
        let republished = TaskMessage(retrying: request, eta: eta, origin: configuration.hostname)
        let published = await runtime.persist("publish the retry", request) { () async throws(RedisError) in
            try await runtime.broker.publish(republished.envelope)
        }
        guard published else { return }
        let reason = "Retry in \(WorkerRuntime.seconds(countdown))s" + (retry.exception.map { ": \($0)" } ?? "")
        let exception = retry.exception ?? .retry(reason)
        let traceback = Self.traceback(.retry(reason), task: request.task)
        if !ignoresResult(message) {
            await store(.retry(request, exception: exception, traceback: traceback), for: message)
        }
        logger.info(
            "Task \(request.displayName)[\(request.id)] retry: \(reason)", metadata: WorkerRuntime.metadata(request))
        runtime.events.task(
            "task-retried",
            ["uuid": .string(request.id), "exception": .string("\(exception)"), "traceback": .string(traceback)])
        runtime.metrics.task(.retried, name: request.task, queue: message.delivery.queue)
    }

    /// `Reject` raised by a task: requeue (back of the queue) or drop; early-acked messages are gone already.
    func rejected(_ message: ReservedMessage, reject: TaskReject) -> DeliveryStateMachine<ReservedMessage>.Completion {
        let request = message.request
        let acksLate = message.acksLate(configuration)
        logger.warning(
            "Task \(request.displayName)[\(request.id)] rejected: \(reject.reason)",
            metadata: WorkerRuntime.metadata(request))
        runtime.events.task(
            "task-rejected", ["uuid": .string(request.id), "requeue": .bool(reject.requeue && acksLate)])
        runtime.metrics.task(.rejected, name: request.task, queue: message.delivery.queue)
        return reject.requeue && acksLate ? .requeue : .done
    }

    /// Revoked and expired messages: REVOKED stored, chord joined, event sent (the caller acknowledges).
    func discarded(_ message: ReservedMessage, reason: DeliveryStateMachine<ReservedMessage>.DiscardReason) async {
        let request = message.request
        logger.info(
            "Discarding revoked task: \(request.displayName)[\(request.id)]", metadata: WorkerRuntime.metadata(request))
        let exception = ExceptionInfo.revoked(reason.rawValue)
        await store(.revoked(request, reason: reason.rawValue, at: Date().timeIntervalSince1970), for: message)
        await chords.partReturned(request, state: .revoked, value: exception.jsonValue)
        runtime.events.task(
            "task-revoked",
            [
                "uuid": .string(request.id), "terminated": false, "signum": nil,
                "expired": .bool(reason == .expired),
            ])
        runtime.metrics.task(.revoked, name: request.task, queue: message.delivery.queue)
    }

    /// `terminate` / `revoke(terminate=True)` stopped the running body: REVOKED with reason
    /// `terminated`, as Celery stores a terminated task.
    func terminated(_ message: ReservedMessage) async {
        let request = message.request
        let exception = ExceptionInfo.revoked("terminated")
        await store(.revoked(request, reason: "terminated", at: Date().timeIntervalSince1970), for: message)
        await chords.partReturned(request, state: .revoked, value: exception.jsonValue)
        runtime.events.task(
            "task-revoked", ["uuid": .string(request.id), "terminated": true, "signum": 15, "expired": false])
        runtime.metrics.task(.revoked, name: request.task, queue: message.delivery.queue)
    }

    // MARK: Writing

    /// Stores a record (with `result_extended` off, as Celery's default). An acks-late message
    /// (or a write outside any message) waits until Redis confirmed it, so its ack never precedes
    /// its result. An early-acked message's write is queued and its slot moves on, unless
    /// `concurrency` results are already queued and not yet in the socket buffer (see
    /// ``UnwrittenResults``); a write in the socket buffer survives a kill -9 of the worker (the
    /// kernel delivers what a dead process had sent). A write Redis refuses is retried in the
    /// background until it lands.
    func store(_ record: ResultRecord, for message: ReservedMessage? = nil) async {
        guard let backend = runtime.backend else { return }
        guard let message, !message.acksLate(configuration) else {
            let began = ContinuousClock.now
            _ = await runtime.persist("store the task result", taskID: record.taskID) { () async throws(RedisError) in
                try await backend.store(record)
            }
            runtime.metrics.resultWrite(seconds: Self.seconds(ContinuousClock.now - began))
            return
        }
        let began = ContinuousClock.now
        let metrics = runtime.metrics
        let runtime = self.runtime
        let recorder = self
        let unwritten = runtime.unwritten
        await unwritten.reserve()
        backend.enqueue(
            record,
            written: {
                unwritten.written()
                metrics.resultWrite(seconds: Self.seconds(ContinuousClock.now - began))
            }
        ) { result in
            guard case .failure = result else { return }
            runtime.sideWork {
                _ = await recorder.runtime.persist("store the task result", taskID: record.taskID) {
                    () async throws(RedisError) in try await backend.store(record)
                }
            }
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Whether this message's results are skipped (`ignore_result` header, else the task default).
    func ignoresResult(_ message: ReservedMessage) -> Bool {
        message.request.ignoreResult ?? message.task.options.ignoreResult
    }

    /// A Python-style traceback for an exception raised by a Swift task.
    /// A Python-format traceback for a Swift error: one frame, where the task raised when known
    /// (the `TaskFailure`'s file and line), naming the Swift error type, then Python's last line.
    static func traceback(_ exception: ExceptionInfo, task: String, error: (any Error)? = nil) -> String {
        var frame = "  File \"sigma-worker\", line 1, in \(task)"
        if let failure = error as? TaskFailure {
            frame = "  File \"\(failure.file)\", line \(failure.line), in \(task)"
        } else if let error {
            frame += "\n    Swift error \(String(reflecting: type(of: error))): \(String(describing: error))"
        }
        return "Traceback (most recent call last):\n\(frame)\n\(exception.tracebackLine)\n"
    }
}

extension ReservedMessage {
    /// Whether this message is acknowledged after its task ran (`acks_late`).
    func acksLate(_ configuration: WorkerConfiguration) -> Bool {
        task.options.acksLate || configuration.acksLate
    }
}
