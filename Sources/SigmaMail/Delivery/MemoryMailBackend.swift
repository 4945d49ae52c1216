import Synchronization

/// Django's locmem backend: keeps every message in ``outbox`` (for tests of the tasks).
public final class MemoryMailBackend: MailBackend {
    /// A kept message with its composed bytes.
    public struct Entry: Sendable {
        /// The message as given.
        public var message: MailMessage
        /// The composed message.
        public var rendered: RenderedMail
    }

    private let entries = Mutex<[Entry]>([])
    private let messageIDDomain: String?

    /// Creates an empty outbox.
    /// - Parameter messageIDDomain: Domain for generated `Message-ID`s; `nil` uses the host name.
    public init(messageIDDomain: String? = nil) {
        self.messageIDDomain = messageIDDomain
    }

    /// The messages sent so far, oldest first.
    public var outbox: [Entry] { entries.withLock { $0 } }

    /// Empties the outbox.
    public func clear() { entries.withLock { $0.removeAll() } }

    /// Composes and keeps the message (even without recipients, as Django does).
    public func send(_ message: MailMessage) async throws -> MailDeliveryReport {
        let rendered = try message.rendered(messageIDDomain: messageIDDomain)
        entries.withLock { $0.append(Entry(message: message, rendered: rendered)) }
        return MailDeliveryReport(
            messageID: rendered.messageID, delivered: true, recipients: rendered.envelopeRecipients)
    }
}
