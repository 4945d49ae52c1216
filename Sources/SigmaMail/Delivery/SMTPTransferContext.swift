import Synchronization

/// What one SMTP session observed: the cancellation request and the server's replies.
///
/// `cancel()` may be called from any thread; everything else is touched only by the transfer
/// thread inside libcurl's callbacks. Client lines are inspected only for `MAIL FROM`,
/// `RCPT TO` and `DATA`; nothing the client sends (AUTH included) is ever stored.
final class SMTPTransferContext: @unchecked Sendable {
    /// A server reply.
    struct Reply {
        var code: Int
        var text: String
    }

    /// The command a reply answers.
    enum Command: Equatable {
        case greeting
        case mailFrom
        case recipient(String)
        case data
        case other
    }

    private let cancelled = Atomic<Bool>(false)
    private var pendingLines: [String] = []
    private(set) var lastCommand: Command = .greeting
    private(set) var lastFailure: (command: Command, reply: Reply)?
    private(set) var refusedRecipients: [MailDeliveryReport.RefusedRecipient] = []

    /// Asks the transfer to stop at libcurl's next progress callback.
    func cancel() { cancelled.store(true, ordering: .relaxed) }

    /// Whether ``cancel()`` was called.
    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// A line the client sent.
    func clientLine(_ line: String) {
        let upper = line.prefix(10).uppercased()
        if upper.hasPrefix("MAIL FROM:") {
            lastCommand = .mailFrom
        } else if upper.hasPrefix("RCPT TO:") {
            let address =
                line.split(separator: "<", maxSplits: 1).last?.split(separator: ">").first.map(String.init) ?? ""
            lastCommand = .recipient(address)
        } else if upper.hasPrefix("DATA") {
            lastCommand = .data
        } else {
            lastCommand = .other
        }
        pendingLines.removeAll()
    }

    /// A line the server sent (`250-…` continues a reply, `250 …` ends it).
    func serverLine(_ line: String) {
        let trimmed = line.trimmingWhitespace()
        let scalars = Array(trimmed.unicodeScalars)
        guard scalars.count >= 3, let code = Int(String(String.UnicodeScalarView(scalars[0..<3]))) else { return }
        let text = scalars.count > 4 ? String(String.UnicodeScalarView(scalars[4...])) : ""
        pendingLines.append(text)
        let isLast = scalars.count == 3 || scalars[3] != "-"
        guard isLast else { return }
        let reply = Reply(code: code, text: pendingLines.joined(separator: " "))
        pendingLines.removeAll()
        guard code >= 400 else { return }
        lastFailure = (lastCommand, reply)
        if case .recipient(let address) = lastCommand {
            refusedRecipients.append(.init(address: address, replyCode: code, serverText: reply.text))
        }
    }
}
