import CeleryWire
import Foundation
import Logging

/// Publishes signatures as new task messages from inside a task (link, link_error, chain step,
/// chord body), as `Signature.apply_async` does in Celery's worker.
struct SignaturePublisher: Sendable {
    let runtime: WorkerRuntime

    /// Publishes a signature as a new task message (link, link_error, chain step), as
    /// `Signature.apply_async` does inside a task: the parent's result is prepended to the
    /// arguments unless the signature is immutable; `root_id` and `parent_id` propagate.
    /// - Returns: the child's result tuple `[[id, null], null]` for `children`, nil on failure.
    func apply(_ signature: Signature, result: JSONValue?, for parent: TaskRequest, chain: [Signature]? = nil) async
        -> JSONValue?
    {
        if signature.subtaskType != nil && signature.subtaskType != "chain" {
            runtime.logger.error(
                "Composite \(signature.subtaskType ?? "") signatures are not supported in callbacks; not published",
                metadata: WorkerRuntime.metadata(parent))
            return nil
        }
        let options = signature.options
        let queue = options["queue"]?.stringValue ?? runtime.configuration.defaultQueue
        var message = TaskMessage(
            id: signature.presetTaskID ?? TaskMessage.newID(), task: signature.task,
            args: (signature.immutable || result == nil) ? signature.args : [result!] + signature.args,
            kwargs: signature.kwargs, routingKey: options["routing_key"]?.stringValue ?? queue,
            exchange: options["exchange"]?.stringValue ?? "")
        message.rootID = parent.rootID ?? parent.id
        message.parentID = parent.id
        message.groupID = options["group_id"]?.stringValue
        message.groupIndex = options["group_index"]?.intValue.map(Int.init)
        message.priority = Int(options["priority"]?.intValue ?? 0)
        message.origin = runtime.configuration.hostname
        message.replyTo = options["reply_to"]?.stringValue ?? parent.replyTo
        message.timeLimit = TimeLimit(
            hard: options["time_limit"]?.doubleValue, soft: options["soft_time_limit"]?.doubleValue)
        message.expires = options["expires"]?.stringValue
        if let countdown = options["countdown"]?.doubleValue {
            message.eta = ISODateTime(unixTime: Date().timeIntervalSince1970 + countdown, utcOffset: 0).isoFormat()
        } else if let eta = options["eta"]?.stringValue {
            message.eta = eta
        }
        message.callbacks = try? Signature.list(options["link"], field: "options.link")
        message.errbacks = try? Signature.list(options["link_error"], field: "options.link_error")
        if message.callbacks?.isEmpty == true { message.callbacks = nil }
        if message.errbacks?.isEmpty == true { message.errbacks = nil }
        message.chain = chain
        if let chord = options["chord"], let body = try? Signature(decoding: chord, field: "options.chord") {
            message.chord = body
        }
        do {
            try await runtime.broker.publish(message.envelope)
            return .array([.array([.string(message.id), .null]), .null])
        } catch {
            runtime.logger.error(
                "Could not publish \(signature.task)",
                metadata: WorkerRuntime.metadata(parent).merging(["error": "\(error)"]) { $1 })
            return nil
        }
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
}
