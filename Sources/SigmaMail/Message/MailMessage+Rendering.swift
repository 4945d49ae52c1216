import Foundation

extension MailMessage {
    /// Composes the message as Django 5.2's `EmailMessage` (with `content_subtype = "html"`)
    /// generates it for its SMTP backend, so that apart from the `Date`, the `Message-ID` and the
    /// boundary the bytes are the same.
    ///
    /// Without attachments the message is a single `text/html; charset="utf-8"` part; with any,
    /// it is `multipart/mixed` holding the HTML part, then every inline image and attachment in
    /// order. Every part carries `Content-Type`, `MIME-Version` and `Content-Transfer-Encoding`.
    /// The HTML is sent as it is (`8bit`, or `7bit` when it is ASCII) unless a line is longer than
    /// 998 octets, which makes it quoted-printable. Header values are encoded and folded as
    /// Python's `email` package does (see ``PythonHeader``).
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
            let (encoding, encoded) = Self.encodedHTML(htmlBody)
            headers += "Content-Type: text/html; charset=\"utf-8\"\r\nMIME-Version: 1.0\r\n"
            headers += "Content-Transfer-Encoding: \(encoding)\r\n"
            body = encoded
        } else {
            let boundary = Self.makeBoundary(avoiding: htmlBody)
            headers += PythonHeader.line("Content-Type", "multipart/mixed; boundary=\"\(boundary)\"")
            headers += "MIME-Version: 1.0\r\n"
            body = try renderParts(boundary: boundary)
        }
        let subjectIsASCII = subject.unicodeScalars.allSatisfy(\.isASCII)
        headers += PythonHeader.line(
            "Subject", subjectIsASCII ? PythonHeader.encodedASCII(subject) : PythonHeader.encodedUTF8(subject))
        headers += PythonHeader.line("From", Self.addressHeader([from]))
        if !to.isEmpty { headers += PythonHeader.line("To", Self.addressHeader(to)) }
        if !cc.isEmpty { headers += PythonHeader.line("Cc", Self.addressHeader(cc)) }
        headers += "Date: \(date.rfc5322)\r\n"
        headers += PythonHeader.line("Message-ID", id)
        headers += "\r\n"

        var bytes = Array(headers.utf8)
        bytes.reserveCapacity(bytes.count + body.count)
        bytes += body
        return RenderedMail(bytes: bytes, messageID: id, envelopeSender: from.address, envelopeRecipients: recipients)
    }

    /// The HTML part's transfer encoding and bytes: as they are, with CRLF line breaks, unless a
    /// line is over 998 octets (Django's rule, lines as Python's `str.splitlines` cuts them).
    static func encodedHTML(_ html: String) -> (encoding: String, bytes: [UInt8]) {
        var lineOctets = 0
        var tooLong = false
        for scalar in html.unicodeScalars {
            if Self.isPythonLineBreak(scalar) {
                lineOctets = 0
                continue
            }
            lineOctets += String(scalar).utf8.count
            if lineOctets > 998 {
                tooLong = true
                break
            }
        }
        var out: [UInt8] = []
        if tooLong {
            QuotedPrintable.appendEncoded(html, to: &out)
            return ("quoted-printable", out)
        }
        let bytes = Array(html.utf8)
        out.reserveCapacity(bytes.count + bytes.count / 40)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D || byte == 0x0A {
                out.append(0x0D)
                out.append(0x0A)
                if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
            } else {
                out.append(byte)
            }
            index += 1
        }
        return (bytes.allSatisfy { $0 < 0x80 } ? "7bit" : "8bit", out)
    }

    /// The characters Python's `str.splitlines` ends a line at.
    private static func isPythonLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }

    private func renderParts(boundary: String) throws -> [UInt8] {
        let estimate = attachments.reduce(htmlBody.utf8.count * 3) { $0 + $1.data.count * 4 / 3 + 512 }
        var out: [UInt8] = []
        out.reserveCapacity(estimate)
        // The delimiter's own leading CRLF follows each part's content (RFC 2046 §5.1.1).
        let delimiter = Array("\r\n--\(boundary)\r\n".utf8)
        out += Array("--\(boundary)\r\n".utf8)
        let (encoding, html) = Self.encodedHTML(htmlBody)
        out += Array(
            "Content-Type: text/html; charset=\"utf-8\"\r\nMIME-Version: 1.0\r\nContent-Transfer-Encoding: \(encoding)\r\n\r\n"
                .utf8)
        out += html
        for attachment in attachments {
            guard MailContentType.isValid(attachment.contentType) else {
                throw MailError(.invalidMessage, "content type \"\(attachment.contentType)\" is not type/subtype")
            }
            try HeaderField.requireSingleLine(attachment.filename, field: "attachment file name")
            out += delimiter
            var headers = PythonHeader.line("Content-Type", attachment.contentType)
            headers += "MIME-Version: 1.0\r\nContent-Transfer-Encoding: base64\r\n"
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
                headers += PythonHeader.line("Content-ID", "<\(contentID)>")
                dispositionName = "inline"
            }
            let parameter = HeaderParameter.formatted(name: "filename", value: attachment.filename)
            headers += PythonHeader.line("Content-Disposition", "\(dispositionName); \(parameter)")
            headers += "\r\n"
            out += Array(headers.utf8)
            // Python's base64 body: 76-column lines, each ending with a line break.
            Base64.appendEncoded(attachment.data, to: &out, lineLength: Base64.lineLength)
            if !attachment.data.isEmpty, out.last != 0x0A {
                out.append(0x0D)
                out.append(0x0A)
            }
        }
        out += Array("\r\n--\(boundary)--\r\n".utf8)
        return out
    }

    /// An address header's value as Django sets it: the addresses as given, joined by `, ` when
    /// all of it is ASCII; otherwise each one rebuilt with its display name as encoded-words.
    static func addressHeader(_ mailboxes: [MailAddress]) -> String {
        let given = mailboxes.map(\.source).joined(separator: ", ")
        if given.unicodeScalars.allSatisfy(\.isASCII) { return given }
        return mailboxes.map { mailbox -> String in
            let name = mailbox.displayName
            guard !name.isEmpty else { return mailbox.address }
            var encoded =
                name.unicodeScalars.allSatisfy(\.isASCII)
                ? PythonHeader.encodedASCII(name) : PythonHeader.encodedUTF8(name)
            // Python's `formataddr`: quote a name holding specials, escaping `\` and `"`.
            if encoded.unicodeScalars.contains(where: { "()<>@,:;.\"[]\\".unicodeScalars.contains($0) }) {
                encoded =
                    "\""
                    + encoded.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                        of: "\"", with: "\\\"") + "\""
            }
            return "\(encoded) <\(mailbox.address)>"
        }.joined(separator: ", ")
    }

    /// `===============<19 digits>==`, the shape of Python's boundaries (so headers fold alike).
    private static func makeBoundary(avoiding text: String) -> String {
        var generator = SystemRandomNumberGenerator()
        while true {
            let number = UInt64.random(in: 0..<UInt64(Int64.max), using: &generator)
            let digits = String(number)
            let boundary =
                String(repeating: "=", count: 15) + String(repeating: "0", count: 19 - digits.count) + digits + "=="
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
