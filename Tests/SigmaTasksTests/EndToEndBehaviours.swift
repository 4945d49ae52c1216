import Foundation
import SigmaDatabase
import SigmaTestSupport
import Testing

/// The end-to-end behaviours, written once and run on every database engine (EndToEndSuites.swift):
/// Python Celery client → Redis → sigma-worker → database rows, SMTP message, result.
enum EndToEnd {
    static let rhitsoKwargs = """
        {"orden_id": 1, "destinatarios_principales": ["laboratorio@rhitso.example.com", "recepcion@rhitso.example.com", "jefe@rhitso.example.com"], "copia_empleados": ["jperez@example.com"], "usuario_id": 1}
        """

    static let diagnosticoKwargs = """
        {"orden_id": 1, "folio": "DX-2026/0001", "componentes_data": [{"componente_db": "Motherboard", "dpn": "L52480-001", "seleccionado": true, "es_necesaria": true}, {"componente_db": "Pantalla", "dpn": "", "seleccionado": false, "es_necesaria": true}, {"componente_db": "Batería", "dpn": "BAT-41", "seleccionado": true, "es_necesaria": false}, {"componente_db": "Limpieza y mantenimiento", "dpn": "", "seleccionado": true, "es_necesaria": true}, {"componente_db": "Cámara IR Especial", "dpn": "IR-1", "seleccionado": true}], "imagenes_ids": ["5", "4", "1"], "destinatarios_copia": ["jperez@example.com"], "mensaje_personalizado": "Hola <cliente>,\\nsu equipo & cargador.\\n\\nSaludos", "email_empleado": "jperez@example.com", "nombre_empleado": "Juan Pérez", "usuario_id": 1}
        """

    static let imagenesKwargs = """
        {"orden_id": 1, "imagenes_ids": ["1", "2", "3", "4", "10"], "destinatarios_copia": ["mlopez@example.com", "jperez@example.com"], "mensaje_personalizado": "Fotos de ingreso", "usuario_id": 1}
        """

    static func rhitso(_ backend: Backend) async throws {
        try await Harness.with(backend) { h in
            let id = try h.enqueue("rhitso", rhitsoKwargs)
            let outcome = try h.result(id)
            #expect(outcome["status"] as? String == "SUCCESS")
            let result = try #require(outcome["result"] as? [String: Any])
            #expect(result["success"] as? Bool == true)
            #expect(result["orden"] as? String == "ORD-2026-0001")
            #expect(result["destinatarios"] as? Int == 3)
            #expect(result["copias"] as? Int == 1)
            #expect(result["imagenes_adjuntas"] as? Int == 3)
            #expect((result["tamaño_total_mb"] as? Double ?? 0) > 0)

            let messages = h.smtp.messages()
            try #require(messages.count == 1)
            let mail = try ParsedEmail.parse(file: messages[0])
            #expect(mail.subject == "🔧ENVIO DE EQUIPO RHITSO - OS-001-2026")
            #expect(mail.from_names == ["RHITSO System"])
            #expect(mail.from_addresses == ["noreply@sigma.example"])
            #expect(
                mail.to_addresses == [
                    "laboratorio@rhitso.example.com", "recepcion@rhitso.example.com", "jefe@rhitso.example.com",
                ])
            #expect(mail.cc_addresses == ["jperez@example.com"])
            #expect(
                mail.parts.map(\.content_type) == [
                    "text/html", "application/pdf", "image/jpeg", "image/jpeg", "image/jpeg",
                ])
            let pdf = mail.parts[1]
            #expect(pdf.filename?.hasPrefix("RHITSO_") == true)
            #expect(pdf.filename?.hasSuffix("_5CD1234XYZ.pdf") == true)
            // By fecha_subida: 3, then 1 and 2. Photo 1 is large (recompressed to a temporary copy);
            // 2 and 3 are small originals.
            #expect(mail.parts[2].filename == "ingreso_3.jpg")
            #expect(mail.parts[3].filename?.hasPrefix("compressed_") == true)
            #expect(mail.parts[4].filename == "ingreso_2.jpg")
            let html = String(decoding: mail.parts[0].data, as: UTF8.self)
            #expect(html.contains("OS-001-2026") && html.contains("HP Pavilion 15") && html.contains("CHG-998877"))
            let text = try ParsedEmail.pdfText(pdf.data)
            #expect(text.contains("Formato RHITSO") && text.contains("5CD1234XYZ") && text.contains("Pavilion 15"))
            #expect(text.contains("IMAGENES DE AUTORIZACION"))

            let history = try h.query(
                "SELECT tipo_evento, comentario, usuario_id, CASE WHEN es_sistema THEN 1 ELSE 0 END FROM servicio_tecnico_historialorden WHERE orden_id = 1 ORDER BY id"
            )
            #expect(
                history.last
                    == "sistema|📧 Correo RHITSO enviado (background) a: laboratorio@rhitso.example.com, recepcion@rhitso.example.com y 1 más (con 1 copia(s))|10|0"
            )
            #expect(history.count == 2)
            // No temporary file left behind.
            let leftovers = (try? FileManager.default.subpathsOfDirectory(atPath: h.base + "/media/temp")) ?? []
            #expect(leftovers.filter { $0.hasSuffix(".jpg") || $0.hasSuffix(".pdf") }.isEmpty)
        }
    }

    static func diagnostico(_ backend: Backend) async throws {
        try await Harness.with(backend) { h in
            let id = try h.enqueue("diagnostico", diagnosticoKwargs)
            let outcome = try h.result(id)
            #expect(outcome["status"] as? String == "SUCCESS")
            let result = try #require(outcome["result"] as? [String: Any])
            #expect(result["success"] as? Bool == true)
            #expect(result["destinatario"] as? String == "cliente.uno@example.com")
            #expect(result["folio"] as? String == "DX-2026/0001")
            #expect(result["piezas_creadas"] as? Int == 3)
            #expect(result["imagenes_enviadas"] as? Int == 2)

            let messages = h.smtp.messages()
            try #require(messages.count == 1)
            let mail = try ParsedEmail.parse(file: messages[0])
            #expect(mail.subject == "DIAGNOSTICO FOLIO DX-2026/0001")
            #expect(mail.from_names == ["Servicio Técnico System"])
            #expect(mail.to_addresses == ["cliente.uno@example.com"])
            #expect(mail.cc_addresses == ["jperez@example.com"])
            #expect(
                mail.parts.map(\.content_id) == [
                    nil, "<logo_sic>", "<icon_link>", "<icon_instagram>", "<icon_facebook>", "<icon_whatsapp>", nil,
                    nil, nil,
                ])
            #expect(
                mail.parts.map(\.content_type) == [
                    "text/html", "image/png", "image/png", "image/png", "image/png", "image/png", "application/pdf",
                    "image/jpeg", "image/jpeg",
                ])
            // Photos follow fecha_subida (5 before 4); image 1 is not a diagnosis photo.
            #expect(mail.parts[7].filename == "diagnostico_5_diagnostico_5.jpg")
            #expect(mail.parts[8].filename == "diagnostico_4_diagnostico_4.jpg")
            let pdfName = try #require(mail.parts[6].filename)
            #expect(pdfName.hasPrefix("DIAGNOSTICO_") && pdfName.hasSuffix("_DX-2026_0001.pdf"))
            let html = String(decoding: mail.parts[0].data, as: UTF8.self)
            #expect(html.contains("Hola &lt;cliente&gt;,<br>su equipo &amp; cargador.</p>"))
            #expect(html.contains("https://wa.me/525535458192"))
            #expect(html.contains("Juan Pérez"))
            let text = try ParsedEmail.pdfText(mail.parts[6].data)
            #expect(text.contains("DX-2026/0001") && text.contains("PIEZAS A COTIZAR") && text.contains("L52480-001"))

            #expect(
                try h.query("SELECT estado FROM servicio_tecnico_ordenservicio WHERE id = 1") == [
                    "diagnostico_enviado_cliente"
                ])
            let pieces = try h.query(
                "SELECT componente_id, descripcion_adicional, CASE WHEN es_necesaria THEN 1 ELSE 0 END, orden_prioridad FROM servicio_tecnico_piezacotizada WHERE cotizacion_id = 1 ORDER BY orden_prioridad"
            )
            // Batería has two catalogue rows: the laptop one (id 4) matches the order's equipment type.
            #expect(pieces == ["1|L52480-001|1|1", "4|BAT-41|0|2", "5||1|3"])
            let history = try h.query(
                "SELECT tipo_evento, estado_anterior, estado_nuevo, comentario, COALESCE(usuario_id, 0), CASE WHEN es_sistema THEN 1 ELSE 0 END FROM servicio_tecnico_historialorden WHERE orden_id = 1 ORDER BY id"
            )
            try #require(history.count == 3)
            #expect(
                history[1]
                    == "cambio_estado|diagnostico|diagnostico_enviado_cliente|Estado cambiado de 'En Diagnóstico' a 'Diagnóstico Enviado al Cliente'|0|1"
            )
            let comment = """
                📧 Diagnóstico enviado al cliente (background) (cliente.uno@example.com)
                📋 Folio: DX-2026/0001
                📄 PDF adjunto: \(pdfName)
                🔧 Componentes marcados: 3
                📸 Imágenes adjuntas: 2
                👥 Copia a: jperez@example.com
                🔧 Piezas: Motherboard, Batería, Limpieza y mantenimiento
                """
            let emailRows = try h.query(
                "SELECT comentario FROM servicio_tecnico_historialorden WHERE orden_id = 1 AND tipo_evento = 'email'")
            #expect(emailRows.joined(separator: "\n") == comment)
        }
    }

    static func imagenes(_ backend: Backend) async throws {
        try await Harness.with(backend) { h in
            let id = try h.enqueue("imagenes", imagenesKwargs)
            let outcome = try h.result(id)
            #expect(outcome["status"] as? String == "SUCCESS")
            let result = try #require(outcome["result"] as? [String: Any])
            #expect(result["imagenes_enviadas"] as? Int == 3)
            #expect(result["orden"] as? String == "ORD-2026-0001")
            let size = try #require(result["tamaño_mb"] as? Double)

            let messages = h.smtp.messages()
            try #require(messages.count == 1)
            let mail = try ParsedEmail.parse(file: messages[0])
            // Django folds this subject onto a continuation line, which Python reads back with the
            // fold's space in front; the bytes are Django's (DeploymentTemplateTests).
            #expect(
                mail.subject?.trimmingCharacters(in: .whitespaces) == "📸 Fotografías de ingreso - Orden OS-001-2026")
            #expect(mail.to_addresses == ["cliente.uno@example.com"])
            #expect(mail.cc_addresses == ["mlopez@example.com", "jperez@example.com"])
            // Photos by fecha_subida then id: 3 (15:45) then 1 and 2 (16:00).
            #expect(
                mail.parts.compactMap { $0.disposition == "attachment" ? $0.filename : nil }
                    == ["ingreso_3_ingreso_3.jpg", "ingreso_1_ingreso_1.jpg", "ingreso_2_ingreso_2.jpg"])
            #expect(mail.parts.filter { $0.disposition == "inline" }.count == 5)
            let html = String(decoding: mail.parts[0].data, as: UTF8.self)
            #expect(html.contains("✅ Incluido") && html.contains("CHG-998877"))

            let rows = try h.query(
                "SELECT tipo_evento, comentario, usuario_id FROM servicio_tecnico_historialorden WHERE orden_id = 1 AND tipo_evento = 'email'"
            )
            #expect(rows.count == 1)
            let expected = """
                email|📧 Imágenes de ingreso enviadas al cliente (background) (cliente.uno@example.com)
                📸 Cantidad de imágenes: 3
                📦 Tamaño total: \(String(format: "%.2f", size)) MB
                👥 Copia a: mlopez@example.com, jperez@example.com
                💬 Mensaje: Fotos de ingreso...|10
                """
            #expect(rows.joined(separator: "\n") == expected)
        }
    }

    static func notFoundAndBadAlias(_ backend: Backend) async throws {
        try await Harness.with(backend) { h in
            let missing = try h.enqueue(
                "imagenes",
                #"{"orden_id": 999, "imagenes_ids": ["1"], "destinatarios_copia": [], "mensaje_personalizado": "", "usuario_id": null}"#
            )
            let notFound = try h.result(missing)
            #expect(notFound["status"] as? String == "SUCCESS")
            let result = notFound["result"] as? [String: Any]
            #expect(result?["success"] as? Bool == false)
            #expect(result?["mensaje"] as? String == "Orden ID 999 no encontrada.")

            let rhitsoMissing = try h.enqueue(
                "rhitso", #"{"orden_id": 999, "destinatarios_principales": ["a@b.example"], "copia_empleados": []}"#)
            #expect(
                (try h.result(rhitsoMissing)["result"] as? [String: Any])?["mensaje"] as? String
                    == "Orden ID 999 no encontrada en la base de datos.")

            // HEAD call shape with an unknown country: fails at once, no retry.
            let bad = try h.enqueue(
                "rhitso",
                #"{"orden_id": 1, "destinatarios_principales": ["a@b.example"], "copia_empleados": [], "db_alias": "chile", "asunto_correo": "x"}"#
            )
            let failed = try h.result(bad)
            #expect(failed["status"] as? String == "FAILURE")
            #expect((failed["result"] as? [String: Any])?["exc_type"] as? String == "ValueError")
            #expect(h.smtp.messages().isEmpty)
        }
    }

    /// `db_alias="argentina"`: the Argentina database, media folder, company name and WhatsApp
    /// prefix; the Mexico database is untouched.
    static func argentina(_ backend: Backend) async throws {
        try await Harness.with(backend) { h in
            let id = try h.enqueue(
                "imagenes",
                #"{"orden_id": 1, "imagenes_ids": ["1"], "destinatarios_copia": [], "mensaje_personalizado": "Fotos", "usuario_id": 1, "db_alias": "argentina"}"#
            )
            let outcome = try h.result(id)
            #expect(outcome["status"] as? String == "SUCCESS")
            let result = try #require(outcome["result"] as? [String: Any])
            #expect(result["orden"] as? String == "ORD-2026-0101")
            #expect(result["imagenes_enviadas"] as? Int == 1)

            let messages = h.smtp.messages()
            try #require(messages.count == 1)
            let mail = try ParsedEmail.parse(file: messages[0])
            #expect(mail.subject?.trimmingCharacters(in: .whitespaces) == "📸 Fotografías de ingreso - Orden AR-OS-0001")
            #expect(mail.to_addresses == ["cliente.ar1@example.com"])
            #expect(
                mail.parts.compactMap { $0.disposition == "attachment" ? $0.filename : nil } == [
                    "ingreso_1_ingreso_1.jpg"
                ])
            let html = String(decoding: mail.parts[0].data, as: UTF8.self)
            #expect(html.contains("SIC Argentina") && html.contains("ThinkCentre M70a"))
            // Employee 20 (user 1 in Argentina), with the country's calling code.
            #expect(html.contains("wa.me/541155550000"))
            #expect(!html.contains("5535458192"))

            let rows = try h.query(
                "SELECT comentario, usuario_id FROM servicio_tecnico_historialorden WHERE orden_id = 1 AND tipo_evento = 'email'",
                in: .argentina)
            #expect(rows.count == 1)
            #expect(
                rows.first?.hasPrefix(
                    "📧 Imágenes de ingreso enviadas al cliente (background) (cliente.ar1@example.com)") == true)
            #expect(rows.first?.hasSuffix("|20") == true)
            #expect(
                try h.query(
                    "SELECT COUNT(*) FROM servicio_tecnico_historialorden WHERE orden_id = 1 AND tipo_evento = 'email'")
                    == ["0"])
        }
    }

    static func refusedMailRetriesThenFails(_ backend: Backend) async throws {
        try await Harness.with(backend, smtpOptions: ["--refuse-all", "451 4.3.0 try again later"], retryCountdown: 1) {
            h in
            let started = Date()
            let id = try h.enqueue("diagnostico", diagnosticoKwargs)
            // RHITSO recompresses photo 1 into a temporary copy on every attempt.
            let rhitso = try h.enqueue("rhitso", rhitsoKwargs)
            let seen = try await h.watch(id, seconds: 60)
            #expect(seen.first == "RETRY")
            #expect(seen.last == "FAILURE")
            // Three retries one second apart.
            #expect(Date().timeIntervalSince(started) >= 3)
            let record = try #require(try h.storedRecord(id))
            let exception = record["result"] as? [String: Any]
            #expect(exception?["exc_type"] as? String == "MailError")
            #expect(h.smtp.messages().isEmpty)
            #expect(try h.query("SELECT estado FROM servicio_tecnico_ordenservicio WHERE id = 1") == ["diagnostico"])
            #expect(try h.query("SELECT COUNT(*) FROM servicio_tecnico_piezacotizada WHERE cotizacion_id = 1") == ["0"])
            #expect(try h.query("SELECT COUNT(*) FROM servicio_tecnico_historialorden WHERE orden_id = 1") == ["1"])
            // The RHITSO task failed the same way and left no temporary copy behind.
            #expect(try await h.watch(rhitso, seconds: 60).last == "FAILURE")
            let temporary = h.base + "/media/temp/compressed"
            var isDirectory: ObjCBool = false
            #expect(
                FileManager.default.fileExists(atPath: temporary, isDirectory: &isDirectory) && isDirectory.boolValue)
            #expect(try FileManager.default.contentsOfDirectory(atPath: temporary) == [])
        }
    }

    static func failureAfterEmailDoesNotResend(_ backend: Backend) async throws {
        try await Harness.with(backend, retryCountdown: 3) { h in
            try h.blockHistoryInserts()
            let id = try h.enqueue("diagnostico", diagnosticoKwargs)
            var status: String?
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline {
                status = try h.storedRecord(id)?["status"] as? String
                if status != nil { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(status == "RETRY")
            #expect(h.smtp.messages().count == 1)
            // The transaction was rolled back: no piece, state unchanged.
            #expect(try h.query("SELECT estado FROM servicio_tecnico_ordenservicio WHERE id = 1") == ["diagnostico"])
            #expect(try h.query("SELECT COUNT(*) FROM servicio_tecnico_piezacotizada WHERE cotizacion_id = 1") == ["0"])
            try h.unblockHistoryInserts()
            let outcome = try h.result(id)
            #expect(outcome["status"] as? String == "SUCCESS")
            #expect((outcome["result"] as? [String: Any])?["piezas_creadas"] as? Int == 3)
            #expect(h.smtp.messages().count == 1)
            #expect(
                try h.query("SELECT estado FROM servicio_tecnico_ordenservicio WHERE id = 1") == [
                    "diagnostico_enviado_cliente"
                ])
            #expect(
                try h.query(
                    "SELECT COUNT(*) FROM servicio_tecnico_historialorden WHERE orden_id = 1 AND tipo_evento = 'email'")
                    == ["1"])
        }
    }
}
