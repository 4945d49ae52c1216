import Testing

@testable import SigmaMail

@Suite("Addresses and header injection")
struct AddressAndInjectionTests {
    @Test(
        "DEFAULT_FROM_EMAIL is read the Django way",
        arguments: [
            ("Score Card System <noreply@example.com>", "noreply@example.com"),
            ("noreply@example.com", "noreply@example.com"),
            ("  spaced@example.com  ", "spaced@example.com"),
            ("\"Servicio Técnico\" <st@example.com>", "st@example.com"),
        ])
    func djangoFrom(setting: String, address: String) throws {
        #expect(MailAddress.bareAddress(ofDjangoSetting: setting) == address)
        #expect(try MailAddress(parsing: setting).address == address)
    }

    @Test("display names are parsed")
    func parsing() throws {
        let plain = try MailAddress(parsing: "Servicio Técnico System <noreply@example.com>")
        #expect(plain.displayName == "Servicio Técnico System")
        let quoted = try MailAddress(parsing: "\"O'Brien, \\\"Jr\\\"\" <o@example.com>")
        #expect(quoted.displayName == "O'Brien, \"Jr\"")
        #expect(try MailAddress(parsing: "x@example.com").displayName == "")
    }

    @Test(
        "malformed addresses are invalidAddress",
        arguments: ["", "no-at-sign", "@example.com", "a@", "a b@example.com", "ñ@example.com", "a@b@c,d"])
    func malformed(text: String) {
        let error = #expect(throws: MailError.self) { try MailAddress(parsing: text) }
        #expect(error?.code == .invalidAddress)
    }

    @Test("CR, LF or NUL anywhere in a header is refused", arguments: ["\r\n", "\n", "\r", "\0"])
    func injection(breaker: String) throws {
        let evil = "Hola\(breaker)Bcc: victim@example.com"
        func expectInjection(_ body: () throws -> Void) {
            let error = #expect(throws: MailError.self, performing: body)
            #expect(error?.code == .headerInjection)
        }
        expectInjection {
            _ = try MailMessage(subject: evil, htmlBody: "", from: "a@example.com", to: ["b@example.com"]).rendered()
        }
        expectInjection { _ = try MailAddress(parsing: "a@example.com\(breaker)Bcc: v@example.com") }
        expectInjection { _ = try MailAddress("a@example.com", displayName: evil) }
        expectInjection {
            _ = try MailMessage(
                subject: "x", htmlBody: "", from: "a@example.com", to: ["b@example.com", "c@example.com\(breaker)"])
        }
        let attachment = MailAttachment(filename: evil, data: [1, 2, 3])
        expectInjection {
            _ = try MailMessage(
                subject: "x", htmlBody: "", from: "a@example.com", to: ["b@example.com"], attachments: [attachment]
            ).rendered()
        }
        let image = MailAttachment.inlineImage(contentID: "logo\(breaker)x", data: Fixtures.png)
        expectInjection {
            _ = try MailMessage(
                subject: "x", htmlBody: "", from: "a@example.com", to: ["b@example.com"], attachments: [image]
            ).rendered()
        }
        var message = try MailMessage(subject: "x", htmlBody: "", from: "a@example.com", to: ["b@example.com"])
        message.from.displayName = evil
        expectInjection { _ = try message.rendered() }
    }

    @Test("content types are detected from the bytes, then the name")
    func contentTypes() {
        #expect(MailContentType.detect(data: Fixtures.png, filename: "photo.jpg") == "image/png")
        #expect(MailContentType.detect(data: Fixtures.jpeg, filename: "x.png") == "image/jpeg")
        #expect(MailContentType.detect(data: Fixtures.pdf, filename: "x") == "application/pdf")
        #expect(MailContentType.detect(data: [1, 2], filename: "notes.TXT") == "text/plain")
        #expect(MailContentType.detect(data: [1, 2], filename: "blob") == "application/octet-stream")
        #expect(MailAttachment.inlineImage(contentID: "logo_sic", data: Fixtures.png).filename == "logo_sic.png")
    }
}
