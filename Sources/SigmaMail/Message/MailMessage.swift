/// An e-mail as SIGMA's tasks send it: an HTML body plus inline images and attachments.
///
/// Build one, then call ``rendered(date:messageID:messageIDDomain:)`` for the bytes, or hand it to
/// a ``MailBackend``.
public struct MailMessage: Sendable, Hashable {
    /// The subject, any single-line Unicode text.
    public var subject: String
    /// The HTML body (UTF-8). Line breaks are sent as CRLF.
    public var htmlBody: String
    /// The `From` mailbox; its bare address is also the SMTP envelope sender.
    public var from: MailAddress
    /// `To` recipients.
    public var to: [MailAddress]
    /// `Cc` recipients; the header is written only when this is not empty.
    public var cc: [MailAddress]
    /// Inline images and attachments, in the order they are written after the HTML part.
    public var attachments: [MailAttachment]

    /// Creates a message from parsed mailboxes.
    /// - Parameters:
    ///   - subject: The subject.
    ///   - htmlBody: The HTML body.
    ///   - from: The sender.
    ///   - to: `To` recipients.
    ///   - cc: `Cc` recipients.
    ///   - attachments: Inline images and attachments, in order.
    public init(
        subject: String, htmlBody: String, from: MailAddress, to: [MailAddress], cc: [MailAddress] = [],
        attachments: [MailAttachment] = []
    ) {
        self.subject = subject
        self.htmlBody = htmlBody
        self.from = from
        self.to = to
        self.cc = cc
        self.attachments = attachments
    }

    /// Creates a message from address strings as Django receives them (`a@b` or `Name <a@b>`);
    /// empty and blank entries are dropped, as Django drops them from the recipients.
    /// - Parameters:
    ///   - subject: The subject.
    ///   - htmlBody: The HTML body.
    ///   - from: The sender, e.g. `Servicio Técnico System <noreply@example.com>` or a bare address.
    ///   - to: `To` recipients.
    ///   - cc: `Cc` recipients.
    ///   - attachments: Inline images and attachments, in order.
    /// - Throws: ``MailError`` with `headerInjection` or `invalidAddress`.
    public init(
        subject: String, htmlBody: String, from: String, to: [String], cc: [String] = [],
        attachments: [MailAttachment] = []
    ) throws {
        func parse(_ list: [String]) throws -> [MailAddress] {
            try list.filter { !$0.trimmingWhitespace().isEmpty }.map { try MailAddress(parsing: $0) }
        }
        self.init(
            subject: subject, htmlBody: htmlBody, from: try MailAddress(parsing: from), to: try parse(to),
            cc: try parse(cc), attachments: attachments
        )
    }

    /// The SMTP envelope recipients: the bare addresses of `To` then `Cc`.
    public var recipients: [String] { (to + cc).map(\.address) }
}
