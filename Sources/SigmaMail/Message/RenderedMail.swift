/// A composed message: its bytes and what SMTP needs to send it.
public struct RenderedMail: Sendable, Hashable {
    /// The complete message (RFC 5322 + MIME), CRLF line endings, ending with CRLF.
    public var bytes: [UInt8]
    /// The `Message-ID` header value, with angle brackets.
    public var messageID: String
    /// The SMTP envelope sender (the bare `From` address).
    public var envelopeSender: String
    /// The SMTP envelope recipients (`To` then `Cc`, bare addresses).
    public var envelopeRecipients: [String]
}
