import CeleryWire
import Foundation
import Logging

extension Worker {
    /// Handles one reserved delivery: decode, route, discard what must be discarded, hold
    /// ETA messages, queue the rest for execution.
    func receive(_ delivery: Delivery) async {
        let tag = delivery.deliveryTag
        let request: TaskRequest
        do {
            request = try TaskRequest.decode(envelope: delivery.envelope)
        } catch {
            await reject(delivery, error: error)
            return
        }
        guard let task = registry.task(named: request.task) else {
            await unknownTask(delivery, request: request)
            return
        }
        let message = ReservedMessage(delivery: delivery, request: request, task: task)
        state.withLock { $0.held[tag] = Held(message: message, countsTowardPrefetch: true, started: false) }
        logger.info("Task \(request.displayName)[\(request.id)] received", metadata: metadata(request))
        sendReceived(request)
        if await discardIfRevokedOrExpired(message) { return }
        if let eta = request.eta {
            let delay =
                eta.unixTime(assumingOffset: request.utc ? configuration.naiveTimeOffset : 0)
                - Date().timeIntervalSince1970
            if delay > 0 {
                hold(message, for: delay)
                return
            }
        }
        await ready.put(message)
    }

    /// Keeps an ETA message reserved (its `unacked` entry stays) until its time comes; it does
    /// not count against the prefetch limit meanwhile.
    func hold(_ message: ReservedMessage, for delay: Double) {
        let tag = message.tag
        let timer = Task {
            try? await Task.sleep(nanoseconds: UInt64(min(delay, 1e9) * 1e9))
            guard !Task.isCancelled else { return }
            let live = state.withLock { state -> Bool in
                state.etaTimers[tag] = nil
                return !state.shuttingDown
            }
            if live { await ready.put(message) }
        }
        let counted = state.withLock { state -> Bool in
            state.etaTimers[tag] = timer
            let counted = state.held[tag]?.countsTowardPrefetch ?? false
            state.held[tag]?.countsTowardPrefetch = false
            return counted
        }
        if counted { gate.release() }
    }

    /// Revoked and expired messages: REVOKED stored, message acked.
    func discardIfRevokedOrExpired(_ message: ReservedMessage) async -> Bool {
        let request = message.request
        let now = Date().timeIntervalSince1970
        var reason: String?
        if state.withLock({ $0.revoked.contains(request.id) }) {
            reason = "revoked"
        } else if let expires = request.expires,
            expires.unixTime(assumingOffset: request.utc ? configuration.naiveTimeOffset : 0) < now
        {
            reason = "expired"
        }
        guard let reason else { return false }
        logger.info("Discarding revoked task: \(request.displayName)[\(request.id)]", metadata: metadata(request))
        _ = state.withLock { $0.revoked.insert(request.id) }
        await store(.revoked(request, reason: reason, at: now), for: message)
        await chordPartReturn(request, state: .revoked, value: ExceptionInfo.revoked(reason).jsonValue)
        sendTaskEvent(
            "task-revoked",
            [
                "uuid": .string(request.id), "terminated": false, "signum": nil, "expired": .bool(reason == "expired"),
            ])
        finish(message)
        return true
    }

    /// A message for a task this worker does not know: forwarded unchanged with
    /// `--forward-unknown`, otherwise acked with FAILURE `NotRegistered`, as Celery does.
    func unknownTask(_ delivery: Delivery, request: TaskRequest) async {
        if let queue = configuration.forwardUnknownQueue {
            do {
                try await broker.forward(
                    tag: delivery.deliveryTag, raw: delivery.raw, toQueue: queue, priority: request.priority)
                gate.release()
                logger.info(
                    "Forwarded task of unregistered type '\(request.task)' to queue \(queue)",
                    metadata: metadata(request))
                return
            } catch {
                logger.error("Could not forward the message; it stays reserved", metadata: ["error": "\(error)"])
                return
            }
        }
        logger.error(
            "Received unregistered task of type '\(request.task)'.\nThe message has been ignored and discarded.",
            metadata: metadata(request))
        sendTaskEvent(
            "task-failed",
            ["uuid": .string(request.id), "exception": .string("\(ExceptionInfo.notRegistered(request.task))")])
        if let backend {
            let record = ResultRecord.failure(
                request, exception: .notRegistered(request.task), traceback: nil, at: Date().timeIntervalSince1970)
            do { try await backend.store(record) } catch { logResultFailure(error, request) }
        }
        broker.ack([delivery.deliveryTag])
        gate.release()
    }

    /// A message that cannot be decoded: one log line, acked away; when the task id is readable
    /// a FAILURE says why. Pickle and other non-JSON bodies are never deserialized.
    func reject(_ delivery: Delivery, error: CeleryWireError) async {
        let identity = TaskRequest.identity(of: delivery.envelope)
        let exception: ExceptionInfo
        switch error.code {
        case .unsupportedContentType:
            logger.error(
                "Received invalid task message: \(error.message)",
                metadata: ["broker.queue": "\(delivery.queue)", "celery.task.id": "\(identity.id ?? "?")"])
            exception = ExceptionInfo(
                type: "ContentDisallowed", module: "kombu.exceptions", arguments: [.string(error.message)])
        case .unknownMessage:
            logger.warning(
                "Received and deleted unknown message. Wrong destination?!?",
                metadata: ["broker.queue": "\(delivery.queue)"])
            exception = ExceptionInfo(
                type: "InvalidTaskError", module: "celery.exceptions", arguments: [.string(error.message)])
        default:
            logger.critical(
                "Can't decode message body: \(error)",
                metadata: ["broker.queue": "\(delivery.queue)", "celery.task.id": "\(identity.id ?? "?")"])
            exception = ExceptionInfo(
                type: "InvalidTaskError", module: "celery.exceptions", arguments: [.string(error.description)])
        }
        if let id = identity.id, let backend {
            let record = ResultRecord(
                taskID: id, status: .failure, result: exception.jsonValue, dateDone: Date().timeIntervalSince1970)
            do { try await backend.store(record) } catch {
                logger.error("Could not store the result", metadata: ["error": "\(error)"])
            }
        }
        broker.ack([delivery.deliveryTag])
        gate.release()
    }

    /// Metadata naming a request, for log lines.
    func metadata(_ request: TaskRequest) -> Logger.Metadata {
        ["celery.task.id": "\(request.id)", "celery.task.name": "\(request.task)"]
    }

    func logResultFailure(_ error: any Error, _ request: TaskRequest) {
        logger.error(
            "Could not store the task result", metadata: metadata(request).merging(["error": "\(error)"]) { $1 })
    }
}
