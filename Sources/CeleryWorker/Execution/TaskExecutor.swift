import CeleryWire
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The execution slots, a `Service`: `concurrency` loops take reserved messages from the ready
/// queue and run them through Celery's ack model, as the delivery state machine says (early or
/// late ack, discard, duplicate check). On graceful shutdown it waits for running bodies, without
/// limit unless `--shutdown-timeout` is set, after which the shutdown turns cold.
final class TaskExecutor: Service, Sendable {
    private let runtime: WorkerRuntime
    private let recorder: OutcomeRecorder
    private let finished = WaitGroup()

    init(runtime: WorkerRuntime) {
        self.runtime = runtime
        self.recorder = OutcomeRecorder(runtime: runtime)
        finished.enter()
    }

    private var configuration: WorkerConfiguration { runtime.configuration }
    private var logger: Logger { runtime.logger }

    func run() async throws {
        runtime.onResize { [self] count in adjustLoops(to: count) }
        adjustLoops(to: runtime.slots)
        await withGracefulShutdownHandler {
            await finished.wait()
        } onGracefulShutdown: {
            Task { await self.drain() }
        }
    }

    /// One loop per slot: growing starts loops; shrinking lets the surplus end after their
    /// current task (a loop waiting for a message ends after running the one it gets).
    private let loopCount = Atomic<Int>(0)
    private let loops = WaitGroup()

    private func adjustLoops(to count: Int) {
        // Called by the control mailbox one at a time; loops only ever decrement.
        let missing = max(0, count - loopCount.load(ordering: .sequentiallyConsistent))
        loopCount.add(missing, ordering: .sequentiallyConsistent)
        for _ in 0..<missing {
            loops.enter()
            Task {
                while let message = await runtime.ready.take() {
                    await execute(message)
                    if isSurplus() { break }
                }
                loops.leave()
            }
        }
    }

    /// Whether this loop should end because the pool shrank (lock-free: one atomic load per task).
    private func isSurplus() -> Bool {
        while true {
            let running = loopCount.load(ordering: .relaxed)
            guard running > runtime.slots else { return false }
            if loopCount.compareExchange(expected: running, desired: running - 1, ordering: .sequentiallyConsistent)
                .exchanged
            {
                return true
            }
        }
    }

    /// Waits for running bodies (up to the shutdown timeout, then cold), then ends the loops.
    private func drain() async {
        let deadline = configuration.shutdownTimeout.map { Date().addingTimeInterval($0) }
        while !runtime.deliveries.withLock({ $0.isDrained || $0.mode == .cold }) {
            if let deadline, Date() >= deadline {
                await runtime.coldShutdown("the shutdown timeout passed")
                break
            }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        runtime.ready.close()
        if !runtime.isCold {
            await loops.wait()
            await runtime.sideTasks.wait()
        }
        // The broker's writer stops after this service: hand it every early ack first.
        await runtime.earlyAcks.flush(within: runtime.isCold ? 0.3 : nil)
        finished.leave()
    }

    /// Runs one reserved message.
    func execute(_ message: ReservedMessage) async {
        let request = message.request
        let now = Date().timeIntervalSince1970
        let expires = request.expires?.unixTime(assumingOffset: request.utc ? configuration.naiveTimeOffset : 0)
        if runtime.carriesRevokedStamp(request) { runtime.revoke([request.id]) }
        let action = runtime.deliveries.withLock { $0.start(tag: message.tag, now: now, expires: expires) }
        runtime.wake.roomChanged()  // one fewer waiting (and, with early ack, one more slot)
        switch action {
        case .none:
            return
        case .discard(let reason):
            await recorder.discarded(message, reason: reason)
            runtime.acknowledge(message.tag)
            return
        case .run(let acknowledgeFirst, let checkStoredResult):
            // `inspect stats` totals count accepted tasks, as Celery's `task_accepted` does.
            runtime.totals.withLock { $0[request.task, default: 0] += 1 }
            if acknowledgeFirst { runtime.earlyAcks.acknowledge(message.tag) }
            if checkStoredResult, await alreadySucceeded(request) {
                logger.warning(
                    "Task \(request.displayName)[\(request.id)] already succeeded; the redelivered message is not run again",
                    metadata: WorkerRuntime.metadata(request))
                await runtime.complete(message, .duplicate)
                return
            }
        }
        while runtime.hasRateLimits,
            case let delay = runtime.rateLimitDelay(for: request.task, option: message.task.options.rateLimit),
            delay > 0, !runtime.isCold
        {
            try? await Task.sleep(nanoseconds: UInt64(min(delay, 1) * 1e9))
        }
        let completion = await run(message)
        await runtime.complete(message, completion)
    }

    /// Whether a SUCCESS is stored for this id (Celery's `worker_deduplicate_successful_tasks`).
    private func alreadySucceeded(_ request: TaskRequest) async -> Bool {
        guard let backend = runtime.backend else { return false }
        do {
            return try await backend.fetch(taskID: request.id)?.status == .success
        } catch {
            logger.warning(
                "Could not read the stored state of a redelivered task; running it",
                metadata: WorkerRuntime.metadata(request).merging(["error": "\(error)"]) { $1 })
            return false
        }
    }

    /// The body under its time limits, then its outcome recorded.
    private func run(_ message: ReservedMessage) async -> DeliveryStateMachine<ReservedMessage>.Completion {
        let request = message.request
        let options = message.task.options
        let changedLimits = runtime.limits.withLock { $0[request.task] }
        defer { FaultPoint.afterResultWrite.pass() }
        runtime.events.task("task-started", ["uuid": .string(request.id)])
        runtime.metrics.task(.started, name: request.task, queue: message.delivery.queue)
        let started = Date()
        if (options.trackStarted || configuration.trackStarted) && !recorder.ignoresResult(message) {
            await recorder.store(.started(request, pid: Int(getpid()), hostname: configuration.hostname))
        }
        let arguments: TaskArguments
        do {
            arguments = try message.task.signature.bind(args: request.args, kwargs: request.kwargs)
        } catch {
            runtime.deliveries.withLock { $0.bodyReturned(tag: message.tag) }
            await recorder.fail(message, exception: error.exceptionInfo, traceback: nil, started: started)
            return .done
        }
        var taskLogger = logger
        taskLogger[metadataKey: "celery.task.id"] = "\(request.id)"
        taskLogger[metadataKey: "celery.task.name"] = "\(request.task)"
        let context = TaskContext(
            request: request, arguments: arguments, options: options, hostname: configuration.hostname,
            logger: taskLogger, results: runtime.backend)
        let soft = request.timeLimit.soft ?? changedLimits?.soft ?? options.softTimeLimit ?? configuration.softTimeLimit
        let hard = request.timeLimit.hard ?? changedLimits?.hard ?? options.timeLimit ?? configuration.timeLimit
        let handler = message.task.handler
        let outcome = await TimeLimitRace.run(soft: soft, hard: hard, termination: message.termination) {
            try await handler(context)
        }
        runtime.deliveries.withLock { $0.bodyReturned(tag: message.tag) }
        switch outcome {
        case .finished(.success(let value), _):
            await recorder.succeed(message, value: value, started: started)
        case .finished(.failure(let error as TaskRetry), _):
            await recorder.retry(message, retry: error, started: started)
        case .finished(.failure(let error as TaskReject), _):
            return recorder.rejected(message, reject: error)
        case .finished(.failure(let error), let softLimitHit):
            if softLimitHit && (error is CancellationError || error is SoftTimeLimitExceeded) {
                logger.warning(
                    "Soft time limit (\(WorkerRuntime.seconds(soft ?? 0))s) exceeded for \(request.displayName)[\(request.id)]",
                    metadata: WorkerRuntime.metadata(request))
                await recorder.fail(message, exception: .softTimeLimitExceeded, traceback: nil, started: started)
            } else {
                let exception = ExceptionInfo(error: error)
                let traceback =
                    (error as? TaskFailure)?.traceback
                    ?? OutcomeRecorder.traceback(exception, task: request.task, error: error)
                await recorder.fail(message, exception: exception, traceback: traceback, started: started)
            }
        case .terminated(let runaway):
            runtime.deliveries.withLock { $0.bodyReturned(tag: message.tag) }
            await recorder.terminated(message)
            watch(runaway, of: request, what: "after it was terminated")
        case .hardLimit(let limit, let runaway):
            logger.error(
                "Hard time limit (\(WorkerRuntime.seconds(limit))s) exceeded for \(request.displayName)[\(request.id)]",
                metadata: WorkerRuntime.metadata(request))
            await recorder.fail(
                message, exception: .timeLimitExceeded(limit), traceback: nil, started: started, withTraceback: false)
            watch(runaway, of: request, what: "after its hard time limit")
        }
        return .done
    }

    /// A body abandoned at its hard limit that still runs after `runawayGrace` cannot be
    /// stopped in-process: the worker finishes its other work and its process is replaced.
    private func watch(_ runaway: TimeLimitRace.Runaway, of request: TaskRequest, what: String) {
        let grace = configuration.runawayGrace
        let runtime = self.runtime
        Task {
            try? await Task.sleep(nanoseconds: UInt64(grace * 1e9))
            guard !runaway.stopped else { return }
            runtime.requestReplacement(
                "\(request.displayName)[\(request.id)] still runs \(WorkerRuntime.seconds(grace))s \(what)"
            )
        }
    }
}
