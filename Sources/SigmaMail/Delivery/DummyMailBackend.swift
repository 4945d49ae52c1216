/// Django's dummy backend: composes the message (so malformed ones still fail) and drops it.
public struct DummyMailBackend: MailBackend {
    /// Creates the backend.
    public init() {}

    /// Composes and discards the message.
    public func send(_ message: MailMessage) async throws -> MailDeliveryReport {
        let rendered = try message.rendered(messageIDDomain: "localhost")
        return MailDeliveryReport(
            messageID: rendered.messageID, delivered: false, recipients: rendered.envelopeRecipients)
    }
}
