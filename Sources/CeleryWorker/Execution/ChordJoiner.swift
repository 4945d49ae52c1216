import CeleryWire
import Foundation
import Logging

/// Chords: Celery's `on_chord_part_return` for the Redis backend (5.7 protocol). After a header
/// task's state is stored, its result joins the chord; the worker that completes the count
/// publishes the body with the list of results, or fails it with `ChordError` when a header
/// task failed.
struct ChordJoiner: Sendable {
    let runtime: WorkerRuntime
    let publisher: SignaturePublisher

    /// Joins a header task's final state (SUCCESS, FAILURE or REVOKED) into its chord.
    func partReturned(_ request: TaskRequest, state: TaskState, value: JSONValue) async {
        guard let body = request.chord, let groupID = request.groupID, let backend = runtime.backend else { return }
        let entry = ChordEntry(taskID: request.id, state: state, value: value).encoded()
        let token = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        do {
            guard
                let part = try await backend.addChordPart(
                    groupID: groupID, taskID: request.id, entry: entry, groupIndex: request.groupIndex,
                    claimToken: token,
                    claimExpires: 10),
                part.claimed
            else { return }
            var results: [JSONValue] = []
            for bytes in try await backend.chordEntries(groupID: groupID) {
                guard let part = ChordEntry(decoding: bytes) else { continue }
                if part.failed {
                    let cause = ExceptionInfo(part.value).map { "\($0)" } ?? PythonRepr.repr(part.value)
                    await failChord(
                        body, groupID: groupID, error: "Dependency \(part.taskID) raised \(cause)", after: request)
                    return
                }
                results.append(part.value)
            }
            guard try await backend.extendChordClaim(groupID: groupID, claimToken: token, seconds: 20) else {
                runtime.logger.warning(
                    "Chord callback for '\(groupID)' not published: the claim is no longer this worker's")
                return
            }
            _ = await publisher.apply(body, result: .array(results), for: request)
            if !(try await backend.finishChord(groupID: groupID, claimToken: token, doneExpires: 300)) {
                runtime.logger.warning(
                    "Chord callback claim for '\(groupID)' was lost before cleanup; chord data was left to expire")
            }
        } catch {
            runtime.logger.error(
                "Chord '\(groupID)' join failed",
                metadata: WorkerRuntime.metadata(request).merging(["error": "\(error)"]) { $1 })
        }
    }

    /// A header task failed: the body gets FAILURE `ChordError`, its errbacks run, its chain
    /// fails, and the chord size is dropped.
    private func failChord(_ body: Signature, groupID: String, error message: String, after request: TaskRequest) async
    {
        runtime.logger.error(
            "Chord '\(groupID)' raised: ChordError('\(message)')", metadata: WorkerRuntime.metadata(request))
        let exception = ExceptionInfo(type: "ChordError", module: "celery.exceptions", arguments: [.string(message)])
        let now = Date().timeIntervalSince1970
        guard let backend = runtime.backend else { return }
        let bodyID = body.presetTaskID ?? TaskMessage.newID()
        do {
            try await backend.store(
                ResultRecord(taskID: bodyID, status: .failure, result: exception.jsonValue, dateDone: now))
            for step in (try? Signature.list(body.options["chain"], field: "chain")) ?? [] {
                guard let id = step.presetTaskID else { continue }
                try await backend.store(
                    ResultRecord(taskID: id, status: .failure, result: exception.jsonValue, dateDone: now))
            }
            try await backend.dropChordSize(groupID: groupID)
        } catch {
            runtime.logger.error(
                "Could not store the chord failure",
                metadata: WorkerRuntime.metadata(request).merging(["error": "\(error)"]) { $1 })
        }
        let errbacks = (try? Signature.list(body.options["link_error"], field: "link_error")) ?? []
        await publisher.sendErrbacks(errbacks, failedTaskID: bodyID, for: request)
    }
}
