import CeleryWire
import Foundation
import Logging

/// Turns what the consumer reserved into deliveries: decodes each envelope and task message on
/// the consumer thread, asks the delivery state machine what to do (before the next fetch, so the
/// prefetch limit always counts it) and does it: queue for a slot, schedule until the ETA, or
/// discard, reject, forward or put back, whose writes run as tasks of their own.
struct DeliveryIntake: Sendable {
    let runtime: WorkerRuntime
    let recorder: OutcomeRecorder

    init(runtime: WorkerRuntime) {
        self.runtime = runtime
        self.recorder = OutcomeRecorder(runtime: runtime)
    }

    private var logger: Logger { runtime.logger }
    private var configuration: WorkerConfiguration { runtime.configuration }

    /// Admits what one run of the reserve script took.
    func admit(_ popped: [Consumer.Popped]) {
        let now = Date().timeIntervalSince1970
        for item in popped {
            guard !item.tag.isEmpty else {
                // No delivery tag: nothing was reserved, the message cannot be restored. Python crashes here.
                logger.error(
                    "Received a message that is not a kombu envelope; it was dropped",
                    metadata: [
                        "broker.queue": "\(item.queue)",
                        "message.prefix": "\(String(decoding: item.raw.prefix(200), as: UTF8.self))",
                    ])
                continue
            }
            let envelope: KombuEnvelope
            do {
                envelope = try KombuEnvelope.decode(item.raw)
                guard envelope.properties.deliveryTag.utf8.elementsEqual(item.tag) else {
                    throw CeleryWireError(
                        .malformedJSON, field: "properties.delivery_tag", expected: "one delivery tag",
                        message: "the envelope reads as two different delivery tags")
                }
            } catch {
                logger.error(
                    "Received a message that is not a kombu envelope; it was dropped",
                    metadata: [
                        "broker.queue": "\(item.queue)", "error": "\(error)",
                        "message.prefix": "\(String(decoding: item.raw.prefix(200), as: UTF8.self))",
                    ])
                runtime.broker.ack(rawTags: [item.tag])
                runtime.wake.roomChanged()
                continue
            }
            let delivery = Delivery(raw: item.raw, envelope: envelope, queue: item.queue, receivedAt: now)
            admit(delivery, now: now)
        }
    }

    private func admit(_ delivery: Delivery, now: Double) {
        let request: TaskRequest
        do {
            request = try TaskRequest.decode(envelope: delivery.envelope)
        } catch {
            runtime.sideWork { await reject(delivery, error: error) }
            return
        }
        guard let task = runtime.registry.task(named: request.task) else {
            let forward = configuration.forwardUnknownQueue != nil
            runtime.sideWork { await unregistered(delivery, request: request, forward: forward) }
            return
        }
        let message = ReservedMessage(delivery: delivery, request: request, task: task)
        let offset = request.utc ? configuration.naiveTimeOffset : 0
        let arrival = DeliveryStateMachine<ReservedMessage>.Arrival.Task(
            taskID: request.id, eta: request.eta?.unixTime(assumingOffset: offset),
            expires: request.expires?.unixTime(assumingOffset: offset), acksLate: message.acksLate(configuration),
            redelivered: delivery.envelope.properties.deliveryInfo.redelivered
                || delivery.envelope.headers["redelivered"]?.boolValue == true)
        let action = runtime.deliveries.withLock {
            $0.receive(tag: delivery.deliveryTag, .task(arrival), message: message, now: now)
        }
        if action != .putBack {
            logger.info(
                "Task \(request.displayName)[\(request.id)] received", metadata: WorkerRuntime.metadata(request))
            runtime.events.received(request)
            runtime.metrics.task(.received, name: request.task, queue: delivery.queue)
        }
        switch action {
        case .enqueue:
            runtime.ready.put(message)
        case .schedule(let delay):
            schedule(message, after: delay)
        case .discard(let reason):
            runtime.sideWork {
                await recorder.discarded(message, reason: reason)
                runtime.acknowledge(message.tag)
            }
        case .putBack:
            runtime.sideWork { await runtime.restore([message.tag], reason: "received while stopping") }
        case .reject, .forward:
            break  // only for undecodable or unregistered messages, handled above
        }
    }

    /// Keeps an ETA message reserved (its `unacked` entry stays) until its time comes.
    private func schedule(_ message: ReservedMessage, after delay: Double) {
        let runtime = self.runtime
        let recorder = self.recorder
        let tag = message.tag
        let timer = Task {
            try? await Task.sleep(nanoseconds: UInt64(min(delay, 1e9) * 1e9))
            guard !Task.isCancelled else { return }
            runtime.timers.withLock { $0[tag] = nil }
            switch runtime.deliveries.withLock({ $0.etaPassed(tag: tag) }) {
            case .enqueue:
                runtime.ready.put(message)
            case .discard(let reason):
                await recorder.discarded(message, reason: reason)
                runtime.acknowledge(tag)
            case .none:
                break
            }
        }
        runtime.timers.withLock { $0[tag] = timer }
        runtime.wake.roomChanged()
    }

    /// A message for a task this worker does not know: forwarded unchanged with
    /// `--forward-unknown`, otherwise acked with FAILURE `NotRegistered`, as Celery does.
    private func unregistered(_ delivery: Delivery, request: TaskRequest, forward: Bool) async {
        if forward, let queue = configuration.forwardUnknownQueue {
            do {
                try await runtime.broker.forward(
                    tag: delivery.deliveryTag, raw: delivery.raw, toQueue: queue, priority: request.priority)
                runtime.wake.roomChanged()
                logger.info(
                    "Forwarded task of unregistered type '\(request.task)' to queue \(queue)",
                    metadata: WorkerRuntime.metadata(request))
            } catch {
                logger.error("Could not forward the message; it stays reserved", metadata: ["error": "\(error)"])
            }
            return
        }
        logger.error(
            "Received unregistered task of type '\(request.task)'.\nThe message has been ignored and discarded.",
            metadata: WorkerRuntime.metadata(request))
        runtime.events.task(
            "task-failed",
            ["uuid": .string(request.id), "exception": .string("\(ExceptionInfo.notRegistered(request.task))")])
        runtime.metrics.task(.failed, name: request.task, queue: delivery.queue, exception: "NotRegistered")
        await recorder.store(
            .failure(
                request, exception: .notRegistered(request.task), traceback: nil, at: Date().timeIntervalSince1970))
        runtime.acknowledge(delivery.deliveryTag)
    }

    /// A message that cannot be decoded: one log line, acked away; when the task id is readable
    /// a FAILURE says why. Pickle and other non-JSON bodies are never deserialized.
    private func reject(_ delivery: Delivery, error: CeleryWireError) async {
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
        if let id = identity.id {
            await recorder.store(
                ResultRecord(
                    taskID: id, status: .failure, result: exception.jsonValue, dateDone: Date().timeIntervalSince1970))
        }
        runtime.acknowledge(delivery.deliveryTag)
    }
}
