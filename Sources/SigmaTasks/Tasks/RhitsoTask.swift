import CeleryWire
import CeleryWorker
import Foundation
import SigmaDatabase
import SigmaDocuments
import SigmaMail

/// `servicio_tecnico.enviar_correo_rhitso` (§3): builds the RHITSO form, attaches the intake
/// photos (recompressed when 500 KB or more), checks the 25 MB budget, e-mails the repair lab and
/// records it in the order's history.
enum RhitsoTask {
    static let name = "servicio_tecnico.enviar_correo_rhitso"

    static let signature = TaskSignature(
        functionName: "enviar_correo_rhitso_task",
        parameters: [
            .required("orden_id"), .required("destinatarios_principales"), .required("copia_empleados"),
            .optional("usuario_id", default: nil), .optional("asunto_correo", default: ""),
            .optional("db_alias", default: "default"),
        ],
        acceptsExtraKeywords: true)

    /// The RHITSO form always prints SIGMA's Mexican letterhead (§8.3).
    static let letterhead = RhitsoReport.Letterhead(
        companyHeading: "SIC COMERCIALIZACION Y SERVICIOS", countryHeading: "MEXICO",
        footerName: "SIC Comercializacion y Servicios Mexico SC",
        footerAddressLines: [
            "Domicilio", "Circuito Economistas 15-A, Col. Satelite, Naucalpan de Juarez, Edo de Mexico CP 53100",
        ],
        footerContact: "Seguimiento con: Alejandro Garcia Tel: 55-35-45-81-92 / Correo: cis_mex@sic.com.mx")

    static func run(_ context: TaskContext, services: SigmaServices) async throws -> JSONValue {
        let run = try TaskRun(services: services, context: context, prefix: "[RHITSO]")
        let args = context.arguments
        let ordenId = try args.int("orden_id")
        let principals = try args.strings("destinatarios_principales")
        let cc = try args.strings("copia_empleados")
        let usuarioId = try args.optionalInt("usuario_id")
        let subjectOverride = (try args.optionalString("asunto_correo") ?? "").trimmingCharacters(
            in: .whitespacesAndNewlines)
        return try await run.guarded(failureLine: { "Error en tarea de correo para Orden ID \(ordenId): \($0)" }) {
            run.info("Iniciando tarea de correo para Orden ID \(ordenId)")
            let loaded = try await run.database.withSession {
                session -> (OrdenConDetalle, EmpleadoActor?, [ImagenOrden], [ImagenOrden])? in
                guard let order = try await session.ordenConDetalle(id: ordenId) else { return nil }
                return (
                    order, try await session.empleado(userId: usuarioId),
                    try await session.imagenes(ordenId: ordenId, tipo: "autorizacion"),
                    try await session.imagenes(ordenId: ordenId, tipo: "ingreso")
                )
            }
            guard let loaded else {
                run.error("Orden ID \(ordenId) no encontrada. Tarea cancelada.")
                return ["success": false, "mensaje": .string("Orden ID \(ordenId) no encontrada en la base de datos.")]
            }
            let (order, employee, authorizations, intake) = loaded
            if (principals + cc).allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                let reason = "Orden \(order.numeroVisible) sin destinatarios; no se envió ningún correo."
                run.warning(reason)
                return ["success": false, "mensaje": .string(reason)]
            }
            let now = Date()

            run.info("Generando PDF para Orden \(order.orden.numeroOrdenInterno)...")
            let pdfName = RhitsoReport.fileName(
                serialNumber: order.detalle.numeroSerie, date: now, timeZone: run.timeZone)
            let pdf: Data
            do {
                let report = RhitsoReport(
                    date: run.localDate(now).date,
                    orderNumber: RhitsoReport.orderNumber(clientOrder: order.detalle.ordenCliente, orderID: ordenId),
                    model: order.detalle.modelo, serialNumber: order.detalle.numeroSerie,
                    reason: order.orden.descripcionRhitso, hasCharger: order.detalle.tieneCargador,
                    chargerSerialNumber: order.detalle.numeroSerieCargador,
                    sicLogo: services.assets.forPDF(.sicLogo).map(ReportImage.file),
                    rhitsoLogo: services.assets.forPDF(.rhitsoLogo).map(ReportImage.file),
                    diagram: services.assets.forPDF(.rhitsoDiagram).map(ReportImage.file),
                    authorization: authorizationSection(run, authorizations), letterhead: letterhead,
                    info: PDFDocumentInfo(
                        title: "Formato RHITSO - Equipo \(order.detalle.numeroSerie)",
                        author: "SIC Comercialización y Servicios México SC",
                        subject: "Envío de equipo a RHITSO para revisión especializada",
                        creator: "SIC México - Sistema RHITSO", creationDate: now))
                pdf = try await run.blocking { try report.renderPDF() }
            } catch {
                run.error("Error generando PDF: \(error)")
                throw SigmaTaskError.step("Error al generar PDF: \(error)")
            }
            run.info("PDF generado: \(pdfName)")

            run.info("Procesando imágenes de ingreso...")
            let compressor = RhitsoPhotoCompressor(
                temporaryDirectory: URL(fileURLWithPath: services.configuration.temporaryRoot).appendingPathComponent(
                    "compressed"))
            var sizeImages: [MailSizeEstimate.Image] = []
            var files: [String: URL] = [:]
            for image in intake {
                let url: URL
                do {
                    guard let found = try services.media.locate(image.imagen, mediaSubdir: run.country.mediaSubdir)
                    else {
                        run.warning(
                            "Imagen no encontrada: \(services.media.expectedPath(image.imagen, mediaSubdir: run.country.mediaSubdir))"
                        )
                        continue
                    }
                    url = found
                } catch {
                    run.warning("Error al procesar imagen: \(error)")
                    continue
                }
                let size =
                    (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
                if size > MailSizeEstimate.limitBytes {
                    sizeImages.append(
                        .init(
                            name: url.lastPathComponent, state: .compressed(originalBytes: size, compressedBytes: size))
                    )
                    continue
                }
                do {
                    let result = try await run.blocking { try compressor.compress(fileAt: url, now: now) }
                    if result.wasCompressed { run.temporaryFiles.track(result.path) }
                    let name = result.path.lastPathComponent
                    files[name] = result.path
                    sizeImages.append(
                        .init(
                            name: name,
                            state: .compressed(
                                originalBytes: result.originalSize, compressedBytes: result.compressedSize)))
                } catch {
                    sizeImages.append(
                        .init(name: url.lastPathComponent, state: .failed(originalBytes: size, error: "\(error)")))
                }
            }
            let estimate = MailSizeEstimate(pdfBytes: pdf.count, images: sizeImages)
            let total = String(format: "%.2f", estimate.totalMegabytes)
            run.info("Tamaño total del correo: \(total) MB / \(MailSizeEstimate.limitMegabytes) MB")
            if estimate.exceedsLimit {
                throw SigmaTaskError.step(
                    "El correo excede el límite de Gmail (\(total) MB). Reduce el número de imágenes.")
            }

            if try await run.emailAlreadySent() {
                run.info("El correo de esta tarea ya fue aceptado en un intento anterior; no se reenvía")
            } else {
                let html = try run.renderEmail(.rhitso) { rendering in
                    EmailContexts.rhitso(
                        order: order, now: now, rendering: rendering,
                        defaultFromEmail: services.mailConfiguration.defaultFromEmail)
                }
                var attachments = [MailAttachment(filename: pdfName, contentType: "application/pdf", data: Array(pdf))]
                for name in estimate.validImages {
                    guard let url = files[name], let data = try? await run.blocking({ try Data(contentsOf: url) })
                    else {
                        continue
                    }
                    attachments.append(MailAttachment(filename: name, data: Array(data)))
                }
                let subject =
                    subjectOverride.isEmpty ? "🔧ENVIO DE EQUIPO RHITSO - \(order.numeroVisible)" : subjectOverride
                let mail = try MailMessage(
                    subject: subject, htmlBody: html, from: "RHITSO System <\(services.fromAddress)>", to: principals,
                    cc: cc, attachments: attachments)
                let delivery = try await services.mail.send(mail)
                await run.recordEmailSent(messageID: delivery.messageID)
                run.info("Correo enviado exitosamente a \(PythonList.repr(principals))")
            }

            var comment = "📧 Correo RHITSO enviado (background) a: \(principals.prefix(2).joined(separator: ", "))"
            if principals.count > 2 { comment += " y \(principals.count - 2) más" }
            if !cc.isEmpty { comment += " (con \(cc.count) copia(s))" }
            _ = try await run.database.transaction { session in
                try await session.registrarHistorial(
                    ordenId: ordenId, tipoEvento: "sistema", comentario: comment, empleadoId: employee?.empleadoId)
            }
            run.info("Tarea completada exitosamente para Orden \(order.orden.numeroOrdenInterno)")
            return [
                "success": true, "orden": .string(order.orden.numeroOrdenInterno),
                "destinatarios": .int(Int64(principals.count)), "copias": .int(Int64(cc.count)),
                "imagenes_adjuntas": .int(Int64(estimate.validImages.count)),
                "tamaño_total_mb": .double(estimate.totalMegabytes),
            ]
        }
    }

    /// The authorization section: the newest image (DECISIONS #6), looked up without the country
    /// prefix under the storage roots (§6.1).
    static func authorizationSection(_ run: TaskRun, _ images: [ImagenOrden]) -> RhitsoReport.Authorization {
        guard let newest = images.last else { return .none }
        let url =
            (try? run.services.media.locate(exactName: newest.imagen))
            ?? (try? run.services.media.locate(newest.imagen, mediaSubdir: run.country.mediaSubdir))
        guard let url else {
            run.warning("Imagen de autorización no encontrada: \(newest.imagen)")
            return .missing
        }
        return .image(.file(url))
    }
}

/// Python's `repr` of a list of strings, for log lines.
enum PythonList {
    static func repr(_ items: [String]) -> String {
        "["
            + items.map {
                "'" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
            }
            .joined(separator: ", ") + "]"
    }
}
