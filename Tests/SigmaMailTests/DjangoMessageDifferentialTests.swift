import Foundation
import SigmaMail
import SigmaTestSupport
import Testing

/// Messages composed here and by Django 5.2's `EmailMessage` (`scripts/mail/django_message.py`
/// in `.venv/django-5.2`) from the same subject, addresses, body and parts are the same bytes,
/// once the `Date`, the `Message-ID` and the boundary are set aside.
@Suite(
    .enabled(
        if: SigmaTestSupport.TestEnvironment.python("django-5.2") != nil,
        "needs .venv/django-5.2 (scripts/setup-python.sh)"))
struct DjangoMessageDifferentialTests {
    struct Part {
        var filename: String
        var mimetype: String
        var data: [UInt8]
        var contentID: String?
    }

    struct Case {
        var name: String
        var subject: String
        var body: String
        var from: String
        var to: [String]
        var cc: [String] = []
        var parts: [Part] = []
    }

    static let logo = Part(filename: "logo_sic.png", mimetype: "image/png", data: Fixtures.png, contentID: "logo_sic")
    static let pdf = Part(filename: "RHITSO_20261202_5CD1234XYZ.pdf", mimetype: "application/pdf", data: Fixtures.pdf)

    /// Subjects, names and bodies around every limit the encoders have (76 and 78 columns, 998
    /// octets), ASCII and not.
    static let cases: [Case] = {
        var cases: [Case] = []
        let subjects = [
            "🔧ENVIO DE EQUIPO RHITSO - OS-001-2026", "DIAGNOSTICO FOLIO F-2026-0001",
            "📸 Fotografías de ingreso - Orden ORD-2026-0001", "x", "",
            String(repeating: "Palabra ", count: 20) + "fin", String(repeating: "a", count: 90),
            String(repeating: "ñ", count: 40), String(repeating: "Fotografías de ingreso ", count: 6),
            "Semi; colon, comma and\ttab separated words that run past the seventy-eight column limit",
            "Ends with a space ", "=?utf-8?q?not_encoded?= literally", "  leading and trailing spaces  ",
            String(repeating: "ñ🔧👍🏽e\u{301} ", count: 40), "🔧📸✅" + String(repeating: "é", count: 33),
        ]
        for (index, subject) in subjects.enumerated() {
            cases.append(
                Case(
                    name: "subject-\(index)", subject: subject, body: "<p>Hola</p>\n",
                    from: "Servicio Técnico System <noreply@sic.com.mx>", to: ["cliente@example.com"]))
        }
        let senders = [
            "RHITSO System <noreply@sic.com.mx>", "noreply@sic.com.mx", "Servicio Técnico System <noreply@sic.com.mx>",
            "\"García, Juan\" <jg@example.com>", "José Núñez — Soporte Técnico de Equipos Portátiles <s@example.com>",
        ]
        for (index, sender) in senders.enumerated() {
            cases.append(
                Case(
                    name: "from-\(index)", subject: "Prueba", body: "<p>x</p>", from: sender, to: ["a@example.com"],
                    cc: ["b@example.com"]))
        }
        cases.append(
            Case(
                name: "long-to-ascii", subject: "Lista", body: "<p>x</p>", from: "a@example.com",
                to: (1...12).map { "laboratorio\($0)@rhitso.example.com" }, cc: ["Jefe de Taller <jefe@example.com>"]))
        cases.append(
            Case(
                name: "long-to-unicode", subject: "Lista", body: "<p>x</p>", from: "a@example.com",
                to: (1...8).map { "Cliente Número \($0) <cliente\($0)@example.com>" } + ["plain@example.com"]))
        let bodies = [
            "<html>\n<body>ASCII only</body>\n</html>\n", "Sin salto final: ñandú",
            "líneas\r\nmezcladas\rcon CR\n\nsolo", String(repeating: "é", count: 600) + "\n<p>fin</p>\n",
            String(repeating: "a", count: 998) + "\n", String(repeating: "a", count: 999) + "\n",
            String(repeating: "b= ", count: 400) + " \n" + String(repeating: "c", count: 75) + "\t\n", ".\n..punto\n",
            Fixtures.html,
        ]
        for (index, body) in bodies.enumerated() {
            cases.append(
                Case(name: "body-\(index)", subject: "Cuerpo", body: body, from: "a@example.com", to: ["b@example.com"])
            )
            cases.append(
                Case(
                    name: "body-\(index)-multipart", subject: "Cuerpo", body: body, from: "a@example.com",
                    to: ["b@example.com"], parts: [pdf]))
        }
        cases.append(
            Case(
                name: "customer-email", subject: "DIAGNOSTICO FOLIO F-1", body: Fixtures.html,
                from: "Servicio Técnico System <noreply@sic.com.mx>", to: ["cliente@example.com"],
                cc: ["jperez@example.com", "mlopez@example.com"],
                parts: [
                    logo,
                    Part(
                        filename: "icon_link.png", mimetype: "image/png", data: Array(Fixtures.png.prefix(57)),
                        contentID: "icon_link"),
                    pdf,
                    Part(filename: "diagnostico_3_foto.jpg", mimetype: "image/jpeg", data: Fixtures.jpeg),
                    Part(
                        filename: "diagnóstico 4 ñ.jpg", mimetype: "image/jpeg", data: Array(Fixtures.jpeg.prefix(58))),
                    Part(
                        filename: String(repeating: "fotografía_de_ingreso_", count: 4) + ".jpg",
                        mimetype: "image/jpeg",
                        data: [0xFF]),
                    Part(
                        filename: "ingreso_" + String(repeating: "x", count: 70) + ".jpg", mimetype: "image/jpeg",
                        data: []),
                    Part(filename: "quote\"back\\slash.pdf", mimetype: "application/pdf", data: Fixtures.pdf),
                ]))
        return cases
    }()

    /// The message with its varying values replaced by fixed markers.
    static func normalized(_ bytes: [UInt8]) -> String {
        var text = String(decoding: bytes, as: UTF8.self)
        if let match = text.firstMatch(of: /boundary="([^"]+)"/) {
            text = text.replacingOccurrences(of: String(match.1), with: "BOUNDARY")
        }
        text.replace(/\r\nDate: [^\r]*\r\n/, with: "\r\nDate: DATE\r\n")
        text.replace(/\r\nMessage-ID: <[^>]*>\r\n/, with: "\r\nMessage-ID: <ID>\r\n")
        return text
    }

    static func django(_ cases: [Case]) throws -> [[UInt8]] {
        let specs: [[String: Any]] = cases.map { item in
            [
                "subject": item.subject, "body": item.body, "from": item.from, "to": item.to, "cc": item.cc,
                "parts": item.parts.map { part -> [String: Any] in
                    var spec: [String: Any] = [
                        "filename": part.filename, "mimetype": part.mimetype,
                        "data_base64": Data(part.data).base64EncodedString(),
                    ]
                    if let id = part.contentID { spec["content_id"] = id }
                    return spec
                },
            ]
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("sigma-django-mail-\(getpid()).json")
        try JSONSerialization.data(withJSONObject: specs).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = SigmaTestSupport.TestEnvironment.repositoryRoot.appendingPathComponent(
            "scripts/mail/django_message.py"
        ).path
        let result = try ProcessRunner.runBlocking(
            SigmaTestSupport.TestEnvironment.python("django-5.2")!.path, [script, file.path], timeout: 120)
        guard result.status == 0,
            let encoded = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String]
        else {
            throw TestServerError("django_message.py failed: \(result.standardError)")
        }
        return encoded.map { Array(Data(base64Encoded: $0) ?? Data()) }
    }

    @Test func everyMessageIsTheBytesDjangoWrites() throws {
        let expected = try Self.django(Self.cases)
        #expect(expected.count == Self.cases.count)
        var same = 0
        for (item, want) in zip(Self.cases, expected) {
            let message = try MailMessage(
                subject: item.subject, htmlBody: item.body, from: item.from, to: item.to, cc: item.cc,
                attachments: item.parts.map { part in
                    MailAttachment(
                        filename: part.filename, contentType: part.mimetype, data: part.data,
                        disposition: part.contentID.map { .inline(contentID: $0) } ?? .attachment)
                })
            let ours = Self.normalized(try message.rendered().bytes)
            let theirs = Self.normalized(want)
            if ours == theirs {
                same += 1
                continue
            }
            let oursLines = ours.components(separatedBy: "\r\n")
            let theirLines = theirs.components(separatedBy: "\r\n")
            let common = min(oursLines.count, theirLines.count)
            let first = (0..<common).first { oursLines[$0] != theirLines[$0] } ?? common
            Issue.record(
                """
                \(item.name): first difference at line \(first + 1)
                  Django: \(first < theirLines.count ? theirLines[first].debugDescription : "<end>")
                  ours:   \(first < oursLines.count ? oursLines[first].debugDescription : "<end>")
                """)
        }
        print("Django MIME differential: \(same) of \(Self.cases.count) messages identical")
    }
}
