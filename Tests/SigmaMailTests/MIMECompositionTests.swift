import Foundation
import SigmaTestSupport
import Testing

@testable import SigmaMail

/// Messages are read back by Python's `email` package exactly as composed.
@Suite("MIME composition read by Python's email package", .timeLimit(.minutes(1)))
struct MIMECompositionTests {
    @Test("headers, parts, names and payloads survive a round trip through Python")
    func fullMessageRoundTrip() throws {
        let message = try Fixtures.fullMessage()
        let rendered = try message.rendered(messageIDDomain: "sigma.test")
        let parsed = try ParsedEmail.parse(rendered.bytes)

        #expect(parsed.defects.isEmpty)
        #expect(parsed.subject == "🔧ENVIO DE EQUIPO RHITSO - OS-1")
        #expect(parsed.from_names == ["Servicio Técnico System"])
        #expect(parsed.from_addresses == ["noreply@example.com"])
        #expect(parsed.to_addresses == ["cliente@example.com", "otro@example.org"])
        #expect(parsed.cc_addresses == ["jefe@example.com"])
        #expect(parsed.mime_version == "1.0")
        #expect(parsed.message_id == rendered.messageID)
        #expect(parsed.message_id?.hasSuffix("@sigma.test>") == true)
        #expect(parsed.date?.hasSuffix("-0000") == true)
        #expect(parsed.content_type == "multipart/mixed")
        #expect(rendered.envelopeSender == "noreply@example.com")
        #expect(rendered.envelopeRecipients == ["cliente@example.com", "otro@example.org", "jefe@example.com"])

        try #require(parsed.parts.count == 9)
        let html = parsed.parts[0]
        #expect(html.content_type == "text/html")
        #expect(html.charset == "utf-8")
        #expect(html.disposition == nil)
        do {
            let equal = html.bytes == Fixtures.htmlCanonical
            #expect(equal, "HTML differs after decoding")
        }

        for (index, id) in ["logo_sic", "icon_link", "icon_instagram", "icon_facebook", "icon_whatsapp"].enumerated() {
            let part = parsed.parts[1 + index]
            #expect(part.content_type == "image/png")
            #expect(part.content_id == "<\(id)>")
            #expect(part.disposition == "inline")
            #expect(part.filename == "\(id).png")
            #expect(part.transfer_encoding == "base64")
            do {
                let equal = part.bytes == message.attachments[index].data
                #expect(equal, "payload differs")
            }
        }
        let pdf = parsed.parts[6]
        #expect(pdf.content_type == "application/pdf")
        #expect(pdf.disposition == "attachment")
        #expect(pdf.filename == Fixtures.pdfName)
        #expect(pdf.content_id == nil)
        do {
            let equal = pdf.bytes == Fixtures.pdf
            #expect(equal, "payload differs")
        }
        #expect(parsed.parts[7].content_type == "image/jpeg")
        #expect(parsed.parts[7].filename == "ingreso_2_ingreso_1739999999002.jpg")
        do {
            let equal = parsed.parts[7].bytes == Fixtures.jpeg
            #expect(equal, "payload differs")
        }
        #expect(parsed.parts[8].filename == "diagnóstico_3_foto.jpg")
        do {
            let equal = parsed.parts[8].bytes == message.attachments[7].data
            #expect(equal, "payload differs")
        }
    }

    @Test(
        "subjects decode to exactly the text given (Django's quirks are in DjangoMessageDifferentialTests)",
        arguments: [
            "📸 Fotografías de ingreso - Orden X",
            "🔧ENVIO DE EQUIPO RHITSO - OS-1",
            "Diagnóstico - Folio DX-2026-0001",
            "Plain ASCII subject that is long enough to need folding across more than one line of the header",
            "",
        ]
    )
    func subjectRoundTrip(subject: String) throws {
        let message = try MailMessage(
            subject: subject, htmlBody: "<p>x</p>", from: "a@example.com", to: ["b@example.com"])
        let rendered = try message.rendered()
        let parsed = try ParsedEmail.parse(rendered.bytes)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.subject == subject)
        #expect(parsed.content_type == "text/html")
        #expect(parsed.parts.first?.bytes == Array("<p>x</p>".utf8))
        #expect(parsed.cc == nil)
        let headerLines = Self.headerLines(rendered.bytes)
        for line in headerLines {
            #expect(line.utf8.count <= 78, "header line too long: \(line)")
        }
    }

    @Test(
        "display names decode to exactly the text given",
        arguments: ["Servicio Técnico System", "Score Card System", "O'Brien, \"Jr\" (SIC)", "José 🔧 Núñez — Soporte"]
    )
    func displayNameRoundTrip(name: String) throws {
        let from = try MailAddress("noreply@example.com", displayName: name)
        let message = MailMessage(
            subject: "x", htmlBody: "x", from: from, to: [try MailAddress("to@example.com", displayName: name)]
        )
        let parsed = try ParsedEmail.parse(try message.rendered().bytes)
        #expect(parsed.defects.isEmpty)
        #expect(parsed.from_names == [name])
        #expect(parsed.from_addresses == ["noreply@example.com"])
        #expect(parsed.to_addresses == ["to@example.com"])
    }

    @Test("many recipients fold the To header and all are read back")
    func longRecipientLists() throws {
        let to = (1...30).map { "Cliente Número \($0) <cliente\($0)@example.com>" }
        let message = try MailMessage(subject: "x", htmlBody: "x", from: "a@example.com", to: to, cc: ["c@example.com"])
        let rendered = try message.rendered()
        let parsed = try ParsedEmail.parse(rendered.bytes)
        #expect(parsed.to_addresses == (1...30).map { "cliente\($0)@example.com" })
        #expect(parsed.cc_addresses == ["c@example.com"])
        for line in Self.headerLines(rendered.bytes) { #expect(line.utf8.count <= 78) }
    }

    @Test("wire format as Django writes it: CRLF only, 8bit HTML, base64 lines of 76")
    func wireFormat() throws {
        let rendered = try Fixtures.fullMessage(cc: []).rendered()
        let bytes = rendered.bytes
        #expect(bytes.suffix(2) == [0x0D, 0x0A])
        for (index, byte) in bytes.enumerated() where byte == 0x0A {
            #expect(index > 0 && bytes[index - 1] == 0x0D, "bare LF at \(index)")
        }
        for (index, byte) in bytes.enumerated() where byte == 0x0D {
            #expect(index + 1 < bytes.count && bytes[index + 1] == 0x0A, "bare CR at \(index)")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        let headerEnd = try #require(lines.firstIndex(of: ""))
        for line in lines[..<headerEnd] where line.utf8.count > 78 {
            Issue.record("header line longer than 78 octets: \(line)")
        }
        #expect(!text.contains("\r\nCc:"), "Cc written although empty")
        #expect(text.contains("\r\nMIME-Version: 1.0\r\n"))
        // The fixture's HTML has a 5 000-character line: Django then sends it quoted-printable.
        #expect(
            text.contains(
                "Content-Type: text/html; charset=\"utf-8\"\r\nMIME-Version: 1.0\r\nContent-Transfer-Encoding: quoted-printable"
            ))
        #expect(text.contains("filename*=utf-8''diagn%C3%B3stico_3_foto.jpg"))
        let date = try #require(lines.first { $0.hasPrefix("Date: ") })
        #expect(
            date.wholeMatch(
                of:
                    /Date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d -0000/
            ) != nil)
        let id = try #require(lines.first { $0.hasPrefix("Message-ID: ") })
        #expect(id.wholeMatch(of: /Message-ID: <\d{14}\.[0-9a-f]{20}@[A-Za-z0-9.-]+>/) != nil)
    }

    @Test("the Date header is the given time in UTC")
    func dateHeader() throws {
        let message = try MailMessage(subject: "x", htmlBody: "x", from: "a@example.com", to: ["b@example.com"])
        let rendered = try message.rendered(
            date: Date(timeIntervalSince1970: 1_739_999_999), messageID: "<fixed@example.com>")
        let text = String(decoding: rendered.bytes, as: UTF8.self)
        #expect(text.contains("\r\nDate: Wed, 19 Feb 2025 21:19:59 -0000\r\n"))
        #expect(text.contains("\r\nMessage-ID: <fixed@example.com>\r\n"))
    }

    /// The header block's physical lines.
    static func headerLines(_ bytes: [UInt8]) -> [String] {
        let text = String(decoding: bytes, as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n").first ?? ""
        return head.components(separatedBy: "\r\n")
    }
}
