/// A file carried by a message: an attachment, or an inline image referenced from the HTML by
/// `cid:<contentID>`. Always sent base64-encoded.
public struct MailAttachment: Sendable, Hashable {
    /// How the part is presented.
    public enum Disposition: Sendable, Hashable {
        /// `Content-Disposition: attachment`.
        case attachment
        /// `Content-Disposition: inline` with `Content-ID: <contentID>`.
        case inline(contentID: String)
    }

    /// The file name shown to the reader (any Unicode; non-ASCII is sent with RFC 2231).
    public var filename: String
    /// The MIME type, e.g. `image/jpeg`, `application/pdf`.
    public var contentType: String
    /// The file's bytes, sent unchanged.
    public var data: [UInt8]
    /// Attachment or inline image.
    public var disposition: Disposition

    /// Creates a part.
    /// - Parameters:
    ///   - filename: The file name shown to the reader.
    ///   - contentType: The MIME type; `nil` detects it from the bytes and the name
    ///     (``MailContentType/detect(data:filename:)``).
    ///   - data: The file's bytes.
    ///   - disposition: Attachment (default) or inline image.
    public init(filename: String, contentType: String? = nil, data: [UInt8], disposition: Disposition = .attachment) {
        self.filename = filename
        self.contentType = contentType ?? MailContentType.detect(data: data, filename: filename)
        self.data = data
        self.disposition = disposition
    }

    /// An inline image as §7.1 structures them: `Content-ID: <contentID>`,
    /// `Content-Disposition: inline; filename="<filename>"`.
    /// - Parameters:
    ///   - contentID: The id the HTML refers to with `cid:` (without angle brackets).
    ///   - filename: The file name; defaults to `<contentID>.<extension of the detected type>`.
    ///   - contentType: The MIME type; `nil` detects it.
    ///   - data: The image bytes.
    public static func inlineImage(
        contentID: String, filename: String? = nil, contentType: String? = nil, data: [UInt8]
    ) -> MailAttachment {
        let type = contentType ?? MailContentType.detect(data: data, filename: filename ?? "")
        let name = filename ?? "\(contentID).\(MailContentType.fileExtension(for: type))"
        return MailAttachment(filename: name, contentType: type, data: data, disposition: .inline(contentID: contentID))
    }
}
