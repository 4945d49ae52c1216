/// Something that takes messages away: an SMTP server, a directory, the console, memory.
public protocol MailBackend: Sendable {
    /// Sends one message.
    /// - Parameter message: The message; its `From` address is the envelope sender.
    /// - Returns: What happened; ``MailDeliveryReport/delivered`` is `false` when there was nothing
    ///   to do (SMTP with no recipients: Django sends nothing and reports success).
    /// - Throws: ``MailError``; check ``MailError/isTemporary`` to decide between retry and failure.
    func send(_ message: MailMessage) async throws -> MailDeliveryReport
}

/// The outcome of a successful ``MailBackend/send(_:)``.
public struct MailDeliveryReport: Sendable, Hashable {
    /// A recipient the SMTP server refused while it accepted others (Django ignores these too).
    public struct RefusedRecipient: Sendable, Hashable {
        /// The bare address.
        public var address: String
        /// The SMTP reply code (4xx or 5xx).
        public var replyCode: Int
        /// The server's reply text.
        public var serverText: String
    }

    /// The message's `Message-ID`.
    public var messageID: String
    /// `true` when the backend took the message; `false` when it was skipped (no recipients).
    public var delivered: Bool
    /// The envelope recipients the message was offered to.
    public var recipients: [String]
    /// Recipients the server refused although the message was accepted for the others.
    public var refusedRecipients: [RefusedRecipient]

    /// Creates a report.
    /// - Parameters:
    ///   - messageID: The `Message-ID`.
    ///   - delivered: Whether the backend took the message.
    ///   - recipients: The envelope recipients.
    ///   - refusedRecipients: Recipients refused individually.
    public init(messageID: String, delivered: Bool, recipients: [String], refusedRecipients: [RefusedRecipient] = []) {
        self.messageID = messageID
        self.delivered = delivered
        self.recipients = recipients
        self.refusedRecipients = refusedRecipients
    }
}
