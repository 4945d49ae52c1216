import CeleryWire
import Foundation
import Logging

extension Worker {
    /// Runs one reserved message through Celery's ack model and result semantics.
    func execute(_ message: ReservedMessage) async {
        let request = message.request
        let options = message.task.options
        let acksLate = acksLate(message)
        if await discardIfRevokedOrExpired(message) { return }
        let changedLimits = state.withLock { state -> TimeLimit? in
            state.running += 1
            state.held[message.tag]?.started = true
            state.active[message.tag] = Active(message: message, startedAt: Date().timeIntervalSince1970)
            return state.timeLimits[request.task]
        }
        defer {
            state.withLock { state in
                state.running -= 1
                state.active[message.tag] = nil
                state.totals[request.task, default: 0] += 1
            }
        }
        if !acksLate { finish(message) }
        sendTaskEvent("task-started", ["uuid": .string(request.id)])
        let started = Date()
        if (options.trackStarted || configuration.trackStarted) && !ignoresResult(message) {
            await store(.started(request, pid: Int(getpid()), hostname: configuration.hostname), for: message)
        }
        let arguments: TaskArguments
        do {
            arguments = try message.task.signature.bind(args: request.args, kwargs: request.kwargs)
        } catch {
            await fail(message, exception: error.exceptionInfo, traceback: nil, started: started)
            if acksLate { finish(message) }
            return
        }
        var taskLogger = logger
        taskLogger[metadataKey: "celery.task.id"] = "\(request.id)"
        taskLogger[metadataKey: "celery.task.name"] = "\(request.task)"
        let context = TaskContext(
            request: request, arguments: arguments, options: options, hostname: configuration.hostname,
            logger: taskLogger,
            results: backend)
        let soft = request.timeLimit.soft ?? changedLimits?.soft ?? options.softTimeLimit ?? configuration.softTimeLimit
        let hard = request.timeLimit.hard ?? changedLimits?.hard ?? options.timeLimit ?? configuration.timeLimit
        let handler = message.task.handler
        let outcome = await TimeLimitRace.run(soft: soft, hard: hard) { try await handler(context) }
        switch outcome {
        case .finished(.success(let value), _):
            await succeed(message, value: value, started: started)
        case .finished(.failure(let error as TaskRetry), _):
            await retry(message, retry: error, started: started)
        case .finished(.failure(let error as TaskReject), _):
            await rejectFromTask(message, reject: error, acksLate: acksLate)
            return
        case .finished(.failure(let error), let softLimitHit):
            if softLimitHit && (error is CancellationError || error is SoftTimeLimitExceeded) {
                logger.warning(
                    "Soft time limit (\(Self.seconds(soft ?? 0))s) exceeded for \(request.displayName)[\(request.id)]",
                    metadata: metadata(request))
                await fail(message, exception: .softTimeLimitExceeded, traceback: nil, started: started)
            } else {
                let failure = error as? TaskFailure
                await fail(
                    message, exception: ExceptionInfo(error: error), traceback: failure?.traceback, started: started)
            }
        case .hardLimit(let limit, let runaway):
            logger.error(
                "Hard time limit (\(Self.seconds(limit))s) exceeded for \(request.displayName)[\(request.id)]",
                metadata: metadata(request))
            await fail(
                message, exception: .timeLimitExceeded(limit), traceback: nil, started: started, withTraceback: false)
            watch(runaway, of: request)
        }
        if acksLate { finish(message) }
        state.withLock { $0.processed += 1 }
    }

    /// A body abandoned at its hard limit that still runs after `runawayGrace` cannot be
    /// stopped in-process: the worker finishes its other work and its process is replaced.
    func watch(_ runaway: TimeLimitRace.Runaway, of request: TaskRequest) {
        let grace = configuration.runawayGrace
        Task {
            try? await Task.sleep(nanoseconds: UInt64(grace * 1e9))
            guard !runaway.stopped else { return }
            requestReplacement(
                "\(request.displayName)[\(request.id)] still runs \(Self.seconds(grace))s after its hard time limit")
        }
    }

    /// SUCCESS: publish callbacks and the next chain step first, then store the result.
    func succeed(_ message: ReservedMessage, value: JSONValue, started: Date) async {
        let request = message.request
        var children: [JSONValue] = []
        for callback in request.callbacks {
            if let child = await apply(callback, result: value, for: request) { children.append(child) }
        }
        if let next = request.chain.last {
            var step = next
            var rest = Array(request.chain.dropLast())
            if let nested = step.options["chain"]?.arrayValue, rest.isEmpty {
                rest = (try? nested.enumerated().map { try Signature(decoding: $1, field: "chain[\($0)]") }) ?? []
            }
            step.options["chain"] = nil
            if let child = await apply(step, result: value, for: request, chain: rest) { children.append(child) }
        }
        if !ignoresResult(message) {
            await store(
                .success(request, result: value, children: children, at: Date().timeIntervalSince1970), for: message)
        }
        await chordPartReturn(request, state: .success, value: value)
        let runtime = Date().timeIntervalSince(started)
        sendTaskEvent(
            "task-succeeded",
            [
                "uuid": .string(request.id), "result": .string(PythonRepr.truncated(PythonRepr.repr(value))),
                "runtime": .double(runtime),
            ])
        logger.info(
            "Task \(request.displayName)[\(request.id)] succeeded in \(Self.seconds(runtime))s: \(PythonRepr.truncated(PythonRepr.repr(value)))",
            metadata: metadata(request))
    }

    /// FAILURE: store it, mark the rest of the chain failed, send errbacks (with the task id).
    func fail(
        _ message: ReservedMessage, exception: ExceptionInfo, traceback: String?, started: Date,
        withTraceback: Bool = true
    ) async {
        let request = message.request
        let text = withTraceback ? (traceback ?? Self.traceback(exception, task: request.task)) : nil
        let now = Date().timeIntervalSince1970
        let options = message.task.options
        if !ignoresResult(message) || options.storeErrorsEvenIfIgnored {
            await store(.failure(request, exception: exception, traceback: text, at: now), for: message)
        }
        await chordPartReturn(request, state: .failure, value: exception.jsonValue)
        sendTaskEvent(
            "task-failed",
            [
                "uuid": .string(request.id), "exception": .string("\(exception)"),
                "traceback": text.map(JSONValue.string) ?? .null,
            ])
        for step in request.chain {
            guard let id = step.presetTaskID else { continue }
            let record = ResultRecord(
                taskID: id, status: .failure, result: exception.jsonValue, traceback: text, dateDone: now)
            await store(record, for: message)
        }
        await sendErrbacks(request.errbacks, failedTaskID: request.id, for: request)
        logger.error(
            "Task \(request.displayName)[\(request.id)] raised unexpected: \(exception)",
            metadata: metadata(request).merging(["runtime": "\(Self.seconds(Date().timeIntervalSince(started)))"]) {
                $1
            })
    }

    /// Sends errbacks as tasks, each called with the failed task's id first (old-style errbacks).
    func sendErrbacks(_ errbacks: [Signature], failedTaskID: String, for request: TaskRequest) async {
        for errback in errbacks {
            var signature = errback
            signature.args = [.string(failedTaskID)] + errback.args
            signature.immutable = true
            _ = await apply(signature, result: nil, for: request)
        }
    }

    /// RETRY: republish the same id with `retries + 1` and an eta, store RETRY; past
    /// `max_retries`, FAILURE with the original exception (or MaxRetriesExceededError).
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
        do {
            try await broker.publish(republished.envelope)
        } catch {
            logger.error(
                "Could not publish the retry; the task is rejected",
                metadata: metadata(request).merging(["error": "\(error)"]) { $1 })
            return
        }
        let reason = "Retry in \(Self.seconds(countdown))s" + (retry.exception.map { ": \($0)" } ?? "")
        let exception = retry.exception ?? .retry(reason)
        if !ignoresResult(message) {
            await store(
                .retry(request, exception: exception, traceback: Self.traceback(.retry(reason), task: request.task)),
                for: message)
        }
        logger.info("Task \(request.displayName)[\(request.id)] retry: \(reason)", metadata: metadata(request))
        sendTaskEvent(
            "task-retried",
            [
                "uuid": .string(request.id), "exception": .string("\(exception)"),
                "traceback": .string(Self.traceback(.retry(reason), task: request.task)),
            ])
    }

    /// `Reject` raised by a task: requeue (LPUSH, back of the queue) or drop.
    func rejectFromTask(_ message: ReservedMessage, reject: TaskReject, acksLate: Bool) async {
        let request = message.request
        logger.warning(
            "Task \(request.displayName)[\(request.id)] rejected: \(reject.reason)", metadata: metadata(request))
        sendTaskEvent("task-rejected", ["uuid": .string(request.id), "requeue": .bool(reject.requeue && acksLate)])
        guard acksLate else { return }
        if reject.requeue {
            do {
                try await broker.restore([message.tag], requeue: true)
            } catch {
                logger.error("Could not requeue the message", metadata: ["error": "\(error)"])
            }
            release(message)
        } else {
            finish(message)
        }
    }

    /// Acks a message and forgets it.
    func finish(_ message: ReservedMessage) {
        broker.ack([message.tag])
        release(message)
    }

    /// Forgets a message (after ack or restore) and frees its prefetch slot.
    func release(_ message: ReservedMessage) {
        let counted = state.withLock { state -> Bool in
            guard let held = state.held.removeValue(forKey: message.tag) else { return false }
            return held.countsTowardPrefetch
        }
        if counted { gate.release() }
    }

    /// Whether this message's results are skipped (`ignore_result` header, else the task default).
    func ignoresResult(_ message: ReservedMessage) -> Bool {
        message.request.ignoreResult ?? message.task.options.ignoreResult
    }

    /// Whether this message is acknowledged after its task ran (`acks_late`).
    func acksLate(_ message: ReservedMessage) -> Bool {
        message.task.options.acksLate || configuration.acksLate
    }

    /// Stores a record (with `result_extended` off, as Celery's default). An early-acked
    /// message's write is queued and its execution slot moves on: writes stay in order on the
    /// results connection and are flushed before the worker exits. An acks-late message waits
    /// for the write, so its ack never precedes its result.
    func store(_ record: ResultRecord, for message: ReservedMessage) async {
        guard let backend else { return }
        let request = message.request
        guard acksLate(message) else {
            backend.enqueue(record) { [self] result in
                if case .failure(let error) = result { logResultFailure(error, request) }
            }
            return
        }
        do {
            try await backend.store(record)
        } catch {
            logResultFailure(error, request)
        }
    }

    /// A Python-style traceback for an exception raised by a Swift task.
    static func traceback(_ exception: ExceptionInfo, task: String) -> String {
        "Traceback (most recent call last):\n  File \"sigma-worker\", line 1, in \(task)\n\(exception.tracebackLine)\n"
    }

    /// Seconds as Celery prints them: an integral value without a fraction, otherwise Python's
    /// shortest round-trip `repr` (which Swift's `description` matches).
    static func seconds(_ value: Double) -> String {
        if value.rounded() == value && value < 1e9 { return String(Int(value)) }
        return value.description
    }
}
