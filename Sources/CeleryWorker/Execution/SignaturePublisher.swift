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
    /// - Returns: the child's result tuple `[[id, null], null]` for `children`; nil when it is a
    ///   composite this worker cannot send, or a cold shutdown came first.
    func apply(_ signature: Signature, result: JSONValue?, for parent: TaskRequest, chain: [Signature]? = nil) async
        -> JSONValue?
    {
        if signature.subtaskType != nil && signature.subtaskType != "chain" {
            runtime.logger.error(
                "Composite \(signature.subtaskType ?? "") signatures are not supported in callbacks; not published",
                metadata: WorkerRuntime.metadata(parent))
            return nil
        }
        let message = TaskMessage(
            applying: signature, result: result, parent: parent, chain: chain,
            defaultQueue: runtime.configuration.defaultQueue, origin: runtime.configuration.hostname,
            now: Date().timeIntervalSince1970)
        // Never dropped: a refused publish is tried again until it lands (or a cold shutdown).
        let published = await runtime.persist("publish \(signature.task)", taskID: parent.id) {
            () async throws(RedisError) in try await runtime.broker.publish(message.envelope)
        }
        return published ? .array([.array([.string(message.id), .null]), .null]) : nil
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
