import Foundation

extension MailMessage {
    /// Composes the message.
    ///
    /// Without attachments the message is a single `text/html; charset="utf-8"` part; with any,
    /// it is `multipart/mixed` holding the HTML part, then every inline image and attachment in
    /// order (no `multipart/related`, as Django builds it). The HTML is always quoted-printable:
    /// 7-bit clean for any relay (libcurl does not negotiate 8BITMIME), immune to the 998-octet
    /// line limit, and never re-encoded in transit, which keeps DKIM signatures valid.
    /// - Parameters:
    ///   - date: The `Date` header's time (written in UTC with `-0000`).
    ///   - messageID: The `Message-ID` (with angle brackets); `nil` generates a random one.
    ///   - messageIDDomain: The domain of a generated `Message-ID`; `nil` uses the host name.
    /// - Throws: ``MailError`` with `headerInjection`, `invalidAddress` or `invalidMessage`.
    public func rendered(
        date: Date = Date(), messageID: String? = nil, messageIDDomain: String? = nil
    ) throws -> RenderedMail {
        try HeaderField.requireSingleLine(subject, field: "Subject")
        for mailbox in [from] + to + cc {
            try HeaderField.requireSingleLine(mailbox.address, field: "address")
            try HeaderField.requireSingleLine(mailbox.displayName, field: "display name")
        }
        let id = messageID ?? Self.makeMessageID(date: date, domain: messageIDDomain ?? MailHost.name())
        try HeaderField.requireSingleLine(id, field: "Message-ID")

        var headers = ""
        var body: [UInt8] = []
        if attachments.isEmpty {
            headers += "Content-Type: text/html; charset=\"utf-8\"\r\n"
            headers += "MIME-Version: 1.0\r\n"
            headers += "Content-Transfer-Encoding: quoted-printable\r\n"
            QuotedPrintable.appendEncoded(htmlBody, to: &body)
        } else {
            let boundary = Self.makeBoundary(avoiding: htmlBody)
            headers += HeaderField.folded("Content-Type", ["multipart/mixed;", "boundary=\"\(boundary)\""])
            headers += "MIME-Version: 1.0\r\n"
            body = try renderParts(boundary: boundary)
        }
        headers += HeaderField.unstructured("Subject", subject)
        headers += HeaderField.folded("From", from.headerTokens())
        if !to.isEmpty { headers += Self.addressList("To", to) }
        if !cc.isEmpty { headers += Self.addressList("Cc", cc) }
        headers += "Date: \(date.rfc5322)\r\n"
        headers += "Message-ID: \(id)\r\n"
        headers += "\r\n"

        var bytes = Array(headers.utf8)
        bytes.reserveCapacity(bytes.count + body.count)
        bytes += body
        return RenderedMail(bytes: bytes, messageID: id, envelopeSender: from.address, envelopeRecipients: recipients)
    }

    private func renderParts(boundary: String) throws -> [UInt8] {
        let estimate = attachments.reduce(htmlBody.utf8.count * 3) { $0 + $1.data.count * 4 / 3 + 512 }
        var out: [UInt8] = []
        out.reserveCapacity(estimate)
        // Each part's content ends with CRLF; the delimiter's own leading CRLF follows it (RFC 2046
        // §5.1.1), so the HTML keeps its final line break once decoded.
        let delimiter = Array("\r\n--\(boundary)\r\n".utf8)
        out += Array("--\(boundary)\r\n".utf8)
        out += Array(
            "Content-Type: text/html; charset=\"utf-8\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n".utf8)
        QuotedPrintable.appendEncoded(htmlBody, to: &out)
        for attachment in attachments {
            guard MailContentType.isValid(attachment.contentType) else {
                throw MailError(.invalidMessage, "content type \"\(attachment.contentType)\" is not type/subtype")
            }
            try HeaderField.requireSingleLine(attachment.filename, field: "attachment file name")
            out += delimiter
            var headers = "Content-Type: \(attachment.contentType)\r\nContent-Transfer-Encoding: base64\r\n"
            let dispositionName: String
            switch attachment.disposition {
            case .attachment:
                dispositionName = "attachment"
            case .inline(let contentID):
                try HeaderField.requireSingleLine(contentID, field: "Content-ID")
                guard !contentID.isEmpty,
                    contentID.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "<" && $0 != ">" }
                    )
                else {
                    throw MailError(
                        .invalidMessage, "Content-ID \"\(contentID)\" must be printable ASCII without <, > or spaces")
                }
                headers += "Content-ID: <\(contentID)>\r\n"
                dispositionName = "inline"
            }
            var tokens = [dispositionName + ";"]
            tokens += HeaderParameter.tokens(name: "filename", value: attachment.filename)
            headers += HeaderField.folded("Content-Disposition", tokens)
            headers += "\r\n"
            out += Array(headers.utf8)
            Base64.appendEncoded(attachment.data, to: &out, lineLength: Base64.lineLength)
        }
        out += Array("\r\n--\(boundary)--\r\n".utf8)
        return out
    }

    private static func addressList(_ name: String, _ mailboxes: [MailAddress]) -> String {
        var tokens: [String] = []
        for (index, mailbox) in mailboxes.enumerated() {
            var mailboxTokens = mailbox.headerTokens()
            if index < mailboxes.count - 1 { mailboxTokens[mailboxTokens.count - 1] += "," }
            tokens += mailboxTokens
        }
        return HeaderField.folded(name, tokens)
    }

    private static func makeBoundary(avoiding text: String) -> String {
        while true {
            let boundary = "===============sigma_" + randomHex(bytes: 12) + "=="
            if !text.contains(boundary) { return boundary }
        }
    }

    /// `<YYYYMMDDHHMMSS.<random>@domain>`, unique like Django's `make_msgid`.
    static func makeMessageID(date: Date, domain: String) -> String {
        "<\(date.compactUTC).\(randomHex(bytes: 10))@\(domain)>"
    }

    static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in Hex.byte(UInt8.random(in: 0...255, using: &generator)) }.joined().lowercased()
    }
}
