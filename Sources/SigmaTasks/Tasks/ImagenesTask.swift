import CeleryWire
import CeleryWorker
import Foundation
import SigmaDatabase
import SigmaMail

/// `servicio_tecnico.enviar_imagenes_cliente` (§5): e-mails the selected intake photos to the
/// customer and records it in the order's history.
enum ImagenesTask {
    static let name = "servicio_tecnico.enviar_imagenes_cliente"

    static let signature = TaskSignature(
        functionName: "enviar_imagenes_cliente_task",
        parameters: [
            .required("orden_id"), .required("imagenes_ids"), .required("destinatarios_copia"),
            .required("mensaje_personalizado"), .optional("usuario_id", default: nil),
            .optional("modelo_ia_inspeccion", default: ""), .optional("db_alias", default: "default"),
        ],
        acceptsExtraKeywords: true)

    static func run(_ context: TaskContext, services: SigmaServices) async throws -> JSONValue {
        let run = try TaskRun(services: services, context: context, prefix: "[IMAGENES]")
        let args = context.arguments
        let ordenId = try args.int("orden_id")
        let ids = try args.strings("imagenes_ids")
        let cc = try args.strings("destinatarios_copia")
        let message = try args.optionalString("mensaje_personalizado") ?? ""
        let usuarioId = try args.optionalInt("usuario_id")
        return try await run.guarded(failureLine: { "Error para Orden ID \(ordenId): \($0)" }) {
            run.info("Iniciando tarea para Orden ID \(ordenId)")
            let (order, employee): (OrdenConDetalle, EmpleadoActor?)
            switch try await CustomerEmail.start(run, ordenId: ordenId, usuarioId: usuarioId, cc: cc) {
            case .finished(let result): return result
            case .ready(let loaded, let actor): (order, employee) = (loaded, actor)
            }
            run.info("Comprimiendo \(ids.count) imagen(es)...")
            let numericIds = try ids.map(parseImageID)
            let images = try await run.database.withSession { session in
                try await session.imagenes(ids: numericIds, ordenId: ordenId, tipo: "ingreso")
            }
            let photos = await CustomerEmail.photos(run, images: images, prefix: "ingreso")
            guard !photos.isEmpty else { throw SigmaTaskError.step("No se pudo procesar ninguna imagen.") }
            let original = photos.reduce(0) { $0 + $1.originalBytes }
            let compressed = photos.reduce(0) { $0 + $1.compressedBytes }
            run.info("Compresión: \(megabytes(original)) MB → \(megabytes(compressed)) MB")
            let recipient = order.detalle.emailCliente

            if try await run.emailAlreadySent() {
                run.info("El correo de esta tarea ya fue aceptado en un intento anterior; no se reenvía")
            } else {
                let inline = await CustomerEmail.inlineImages(run)
                let customer = EmailContexts.Customer(
                    order: order, country: run.country, message: message, photos: photos.count,
                    whatsapp: employee?.whatsappNumber(for: run.country) ?? "",
                    hasLogo: inline.contains { $0.filename == "logo_sic.png" }, now: Date())
                let html = try run.renderEmail(.imagenes) { EmailContexts.imagenes(customer, rendering: $0) }
                let mail = try MailMessage(
                    subject: "📸 Fotografías de ingreso - Orden \(order.numeroVisible)", htmlBody: html,
                    from: "Servicio Técnico System <\(services.fromAddress)>", to: [recipient], cc: cc,
                    attachments: inline + photos.map(\.attachment))
                let report = try await services.mail.send(mail)
                await run.recordEmailSent(messageID: report.messageID)
                run.info("Correo enviado a \(recipient)")
            }

            var comment = """
                📧 Imágenes de ingreso enviadas al cliente (background) (\(recipient))
                📸 Cantidad de imágenes: \(photos.count)
                📦 Tamaño total: \(String(format: "%.2f", Double(compressed) / 1_048_576)) MB
                """
            if !cc.isEmpty { comment += "\n👥 Copia a: \(cc.joined(separator: ", "))" }
            if !message.isEmpty { comment += "\n💬 Mensaje: \(String(message.prefix(100)))..." }
            _ = try await run.database.transaction { session in
                try await session.registrarHistorial(
                    ordenId: ordenId, tipoEvento: "email", comentario: comment, empleadoId: employee?.empleadoId)
            }
            run.info("Tarea completada para Orden \(order.orden.numeroOrdenInterno)")
            return [
                "success": true, "orden": .string(order.orden.numeroOrdenInterno), "destinatario": .string(recipient),
                "imagenes_enviadas": .int(Int64(photos.count)),
                "tamaño_mb": .double(MailSizeEstimate.megabytes(compressed)),
            ]
        }
    }

    /// Python's `int(text)` on an image id.
    static func parseImageID(_ text: String) throws -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw SigmaTaskError(.invalidArgument, "invalid literal for int() with base 10: '\(text)'")
        }
        return value
    }

    /// `f"{bytes / 1048576:.2f}"`.
    static func megabytes(_ bytes: Int) -> String {
        String(format: "%.2f", Double(bytes) / 1_048_576)
    }
}
