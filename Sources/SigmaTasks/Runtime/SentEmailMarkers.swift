import CeleryWorker

/// What a SIGMA task remembers across its retries: that its e-mail was accepted by the SMTP
/// server (DECISIONS #8), so a retry never sends it twice.
protocol EmailMemory: Sendable {
    /// Whether an earlier attempt of this task id had its e-mail accepted.
    func wasSent(taskID: String) async throws -> Bool
    /// Records that this task id's e-mail was accepted.
    func markSent(taskID: String, messageID: String) async throws
}

/// ``EmailMemory`` in the result Redis, one key per task id expiring with the task's result:
/// `sigma-worker-marker-email-sent-<task id>`, holding the e-mail's Message-ID.
struct SentEmailMarkers: EmailMemory {
    let results: any ResultStore

    static func key(taskID: String) -> String { "sigma-worker-marker-email-sent-\(taskID)" }

    func wasSent(taskID: String) async throws -> Bool {
        try await results.exists(Self.key(taskID: taskID))
    }

    func markSent(taskID: String, messageID: String) async throws {
        try await results.setIfAbsent(Self.key(taskID: taskID), value: messageID)
    }
}
