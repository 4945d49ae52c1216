import CeleryWire
import CeleryWorker
import Foundation
import SigmaDatabase
import SigmaDocuments
import SigmaMail

/// `servicio_tecnico.enviar_diagnostico_cliente` (§4): builds the diagnosis PDF, e-mails it with
/// the selected diagnosis photos to the customer, then in one transaction pre-creates the
/// quotation pieces, moves the order to `diagnostico_enviado_cliente` and records the e-mail.
enum DiagnosticoTask {
    static let name = "servicio_tecnico.enviar_diagnostico_cliente"

    static let signature = TaskSignature(
        functionName: "enviar_diagnostico_cliente_task",
        parameters: [
            .required("orden_id"), .required("folio"), .required("componentes_data"), .required("imagenes_ids"),
            .required("destinatarios_copia"), .required("mensaje_personalizado"), .required("email_empleado"),
            .required("nombre_empleado"), .optional("usuario_id", default: nil),
            .optional("tipo_plantilla", default: "estandar"), .optional("db_alias", default: "default"),
        ],
        acceptsExtraKeywords: true)

    static func run(_ context: TaskContext, services: SigmaServices) async throws -> JSONValue {
        let run = try TaskRun(services: services, context: context, prefix: "[DIAGNOSTICO]")
        let args = context.arguments
        let ordenId = try args.int("orden_id")
        let folio = try args.string("folio")
        let components = try args.array("componentes_data").map(component)
        let ids = try args.strings("imagenes_ids")
        let cc = try args.strings("destinatarios_copia")
        let message = try args.optionalString("mensaje_personalizado") ?? ""
        let employeeEmail = try args.optionalString("email_empleado") ?? ""
        let employeeName = try args.optionalString("nombre_empleado") ?? ""
        let usuarioId = try args.optionalInt("usuario_id")
        return try await run.guarded(failureLine: { "Error para Orden ID \(ordenId): \($0)" }) {
            run.info("Iniciando tarea para Orden ID \(ordenId), Folio \(folio)")
            let (order, employee): (OrdenConDetalle, EmpleadoActor?)
            switch try await CustomerEmail.start(run, ordenId: ordenId, usuarioId: usuarioId, cc: cc) {
            case .finished(let result): return result
            case .ready(let loaded, let actor): (order, employee) = (loaded, actor)
            }
            let now = Date()

            run.info("Generando PDF...")
            let pdfName = DiagnosticoReport.fileName(folio: folio, date: now, timeZone: run.timeZone)
            let report = DiagnosticoReport(
                date: run.localDate(now).date, folio: folio, brand: order.detalle.marca, model: order.detalle.modelo,
                equipmentType: order.detalle.tipoEquipoLabel, serialNumber: order.detalle.numeroSerie,
                userReport: order.detalle.fallaPrincipal, diagnosis: order.detalle.diagnosticoSic,
                components: components.map {
                    DiagnosticoReport.Component(
                        name: $0.componenteDB, dpn: $0.dpn, selected: $0.seleccionado, necessary: $0.esNecesaria)
                },
                companyShortName: run.country.empresaNombreCorto, employeeEmail: employeeEmail,
                sicLogo: services.assets.forPDF(.sicLogo).map(ReportImage.file),
                info: PDFDocumentInfo(
                    title: "Diagnóstico - \(folio)", author: run.country.empresaNombreCorto,
                    subject: "Diagnóstico de equipo \(order.detalle.numeroSerie)",
                    creator: "\(run.country.empresaNombreCorto) - Sistema de Servicio Técnico", creationDate: now))
            let pdf: Data
            do {
                pdf = try await run.blocking { try report.renderPDF() }
            } catch {
                throw SigmaTaskError.step("Error al generar PDF: Error generando PDF: \(error)")
            }
            run.info("PDF generado: \(pdfName)")

            var photos: [CustomerEmail.Photo] = []
            if !ids.isEmpty {
                run.info("Comprimiendo \(ids.count) imagen(es)...")
                let numericIds = try ids.map(ImagenesTask.parseImageID)
                let images = try await run.database.withSession { session in
                    try await session.imagenes(ids: numericIds, ordenId: ordenId, tipo: "diagnostico")
                }
                photos = await CustomerEmail.photos(run, images: images, prefix: "diagnostico")
            }
            let recipient = order.detalle.emailCliente

            if try await run.emailAlreadySent() {
                run.info("El correo de esta tarea ya fue aceptado en un intento anterior; no se reenvía")
            } else {
                let inline = await CustomerEmail.inlineImages(run)
                let planned = try await run.database.withSession { session in
                    try await session.piezasPorCrear(
                        ordenId: ordenId, componentes: components, tipoEquipo: order.detalle.tipoEquipo)
                }
                let customer = EmailContexts.Customer(
                    order: order, country: run.country, message: message, photos: photos.count,
                    whatsapp: employee?.whatsappNumber(for: run.country) ?? "",
                    hasLogo: inline.contains { $0.filename == "logo_sic.png" }, now: now)
                let html = try run.renderEmail(.diagnostico) { rendering in
                    EmailContexts.diagnostico(
                        customer, rendering: rendering, folio: folio, components: planned,
                        employeeEmail: employeeEmail, employeeName: employeeName)
                }
                let mail = try MailMessage(
                    subject: "DIAGNOSTICO FOLIO \(folio)", htmlBody: html,
                    from: "Servicio Técnico System <\(services.fromAddress)>", to: [recipient], cc: cc,
                    attachments: inline + [
                        MailAttachment(filename: pdfName, contentType: "application/pdf", data: Array(pdf))
                    ]
                        + photos.map(\.attachment))
                let delivery = try await services.mail.send(mail)
                await run.recordEmailSent(messageID: delivery.messageID)
                run.info("Correo enviado a \(recipient)")
            }

            let (pieces, previous) = try await run.database.transaction { session -> (PiezasPrecreadas, String) in
                let pieces = try await session.precrearPiezas(
                    ordenId: ordenId, componentes: components, tipoEquipo: order.detalle.tipoEquipo)
                let previous = try await session.cambiarEstado(
                    ordenId: ordenId, a: EstadoOrden.diagnosticoEnviadoCliente)
                var comment = """
                    📧 Diagnóstico enviado al cliente (background) (\(recipient))
                    📋 Folio: \(folio)
                    📄 PDF adjunto: \(pdfName)
                    🔧 Componentes marcados: \(pieces.count)
                    📸 Imágenes adjuntas: \(photos.count)
                    """
                if !cc.isEmpty { comment += "\n👥 Copia a: \(cc.joined(separator: ", "))" }
                if pieces.count > 0 { comment += "\n🔧 Piezas: \(pieces.nombres.joined(separator: ", "))" }
                try await session.registrarHistorial(
                    ordenId: ordenId, tipoEvento: "email", comentario: comment, empleadoId: employee?.empleadoId)
                return (pieces, previous)
            }
            run.info("Piezas pre-creadas: \(pieces.count)")
            run.info("Estado: \(previous) → \(EstadoOrden.diagnosticoEnviadoCliente)")
            run.info("Tarea completada para Orden \(order.orden.numeroOrdenInterno)")
            return [
                "success": true, "orden": .string(order.orden.numeroOrdenInterno), "destinatario": .string(recipient),
                "folio": .string(folio), "piezas_creadas": .int(Int64(pieces.count)),
                "imagenes_enviadas": .int(Int64(photos.count)),
            ]
        }
    }

    /// One `componentes_data` entry with the defaults for missing keys (§4.1).
    static func component(_ value: JSONValue) -> ComponenteSeleccion {
        let object = value.objectValue ?? JSONObject()
        func flag(_ key: String, _ fallback: Bool) -> Bool {
            guard let raw = object[key], !raw.isNull else { return fallback }
            if let bool = raw.boolValue { return bool }
            if let number = raw.intValue { return number != 0 }
            if let text = raw.stringValue { return !text.isEmpty }
            return true
        }
        return ComponenteSeleccion(
            componenteDB: object["componente_db"]?.stringValue ?? "", dpn: object["dpn"]?.stringValue ?? "",
            seleccionado: flag("seleccionado", false), esNecesaria: flag("es_necesaria", true))
    }
}
