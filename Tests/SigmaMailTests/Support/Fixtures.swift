import SigmaMail

/// Messages and payloads shared by the tests.
enum Fixtures {
    /// Deterministic pseudo-random bytes (all 256 values occur) after an optional signature.
    static func bytes(_ count: Int, signature: [UInt8] = [], seed: UInt64 = 7) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        var out = signature
        while out.count < count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            out.append(UInt8(truncatingIfNeeded: state))
        }
        return out
    }

    static let png = bytes(1500, signature: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    static let jpeg = bytes(40_000, signature: [0xFF, 0xD8, 0xFF, 0xE0], seed: 11)
    static let pdf = bytes(25_000, signature: Array("%PDF-1.4\n".utf8), seed: 13)

    /// HTML with Spanish text, emoji, a 5 000-character line, lines starting with `.`,
    /// trailing spaces, `=` signs and mixed line endings.
    static let html: String = {
        var text = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Diagnóstico - OS-1</title></head>\n"
        text += "<body style=\"font-family: sans-serif\">\r\n"
        text += "<h1>📋 DIAGNÓSTICO DE EQUIPO</h1>\n"
        text += ".\n..a line that starts with dots\n"
        text += "<p>Estimado usuario, año 2026: niño, pingüino, ¿qué tal? ¡Hola! ✅ 🔧 📸</p>   \n"
        text += "<img src=\"cid:logo_sic\" alt=\"logo\">\t\n"
        text += String(repeating: "<span class=\"x\">Fotografías de ingreso ✅ = ok</span>", count: 100) + "\n"
        text += "\r<p>fin</p>\n</body></html>\n"
        return text
    }()

    /// `html` with every line break as CRLF (what a MIME text part carries).
    static var htmlCanonical: [UInt8] {
        var out: [UInt8] = []
        var previousCR = false
        for byte in html.utf8 {
            if byte == 0x0A {
                if !previousCR { out += [0x0D, 0x0A] }
                previousCR = false
            } else if byte == 0x0D {
                out += [0x0D, 0x0A]
                previousCR = true
            } else {
                out.append(byte)
                previousCR = false
            }
        }
        return out
    }

    static let pdfName = "Diagnóstico técnico — OS-1 año 2026 (versión final para el cliente).pdf"

    /// A diagnóstico-shaped message: HTML, five inline icons, a PDF and two photos.
    static func fullMessage(
        subject: String = "🔧ENVIO DE EQUIPO RHITSO - OS-1", cc: [String] = ["jefe@example.com"]
    ) throws -> MailMessage {
        var attachments: [MailAttachment] = []
        for id in ["logo_sic", "icon_link", "icon_instagram", "icon_facebook", "icon_whatsapp"] {
            attachments.append(.inlineImage(contentID: id, data: bytes(1500, signature: png, seed: UInt64(id.count))))
        }
        attachments.append(MailAttachment(filename: pdfName, data: pdf))
        attachments.append(MailAttachment(filename: "ingreso_2_ingreso_1739999999002.jpg", data: jpeg))
        attachments.append(
            MailAttachment(
                filename: "diagnóstico_3_foto.jpg", data: bytes(3000, signature: [0xFF, 0xD8, 0xFF], seed: 5)))
        return try MailMessage(
            subject: subject, htmlBody: html, from: "Servicio Técnico System <noreply@example.com>",
            to: ["cliente@example.com", "", "  ", "Otro Cliente <otro@example.org>"], cc: cc, attachments: attachments
        )
    }
}
