import CeleryWire
import Foundation
import SigmaDatabase
import SigmaDocuments
import SigmaMail

/// What the two customer e-mails (diagnóstico and imágenes) share: the inline logo and icons,
/// the photo recompression, the first reads (§6.2, §7.3, §7.4).
enum CustomerEmail {
    /// One recompressed photo ready to attach.
    struct Photo: Sendable {
        var attachment: MailAttachment
        var originalBytes: Int
        var compressedBytes: Int
    }

    /// The inline parts in §7.1 order; a missing static file is left out.
    static func inlineImages(_ run: TaskRun) async -> [MailAttachment] {
        let parts: [(String, StaticAssets.Asset)] = [
            ("logo_sic", .sicLogo), ("icon_link", .linkIcon), ("icon_instagram", .instagramIcon),
            ("icon_facebook", .facebookIcon), ("icon_whatsapp", .whatsappIcon),
        ]
        var result: [MailAttachment] = []
        for (contentID, asset) in parts {
            guard let url = run.services.assets.forEmail(asset) else { continue }
            do {
                let data = try await run.blocking { try Data(contentsOf: url) }
                result.append(.inlineImage(contentID: contentID, filename: "\(contentID).png", data: Array(data)))
            } catch {
                run.warning(
                    contentID == "logo_sic" ? "Error al adjuntar logo: \(error)" : "Error al adjuntar iconos: \(error)")
            }
        }
        return result
    }

    /// `{prefix}_{id}_{basename}` with the extension forced to `.jpg` (§6.2 step 5).
    static func attachmentName(prefix: String, id: Int, storedName: String) -> String {
        let base = storedName.split(separator: "/").last.map(String.init) ?? storedName
        let name = "\(prefix)_\(id)_\(base)"
        if name.lowercased().hasSuffix(".jpg") { return name }
        if let dot = name.lastIndex(of: "."), !name[dot...].contains("/") {
            return String(name[..<dot]) + ".jpg"
        }
        return name + ".jpg"
    }

    /// Finds and recompresses the photos in memory; a photo that is missing is skipped silently,
    /// one that fails is skipped with a warning.
    static func photos(_ run: TaskRun, images: [ImagenOrden], prefix: String) async -> [Photo] {
        var result: [Photo] = []
        for image in images {
            do {
                guard let url = try run.services.media.locate(image.imagen, mediaSubdir: run.country.mediaSubdir) else {
                    continue
                }
                let (original, jpeg) = try await run.blocking { () throws -> (Int, Data) in
                    let data = try Data(contentsOf: url)
                    return (data.count, try PhotoRecompressor.recompressForCustomerEmail(data).jpeg)
                }
                result.append(
                    Photo(
                        attachment: MailAttachment(
                            filename: attachmentName(prefix: prefix, id: image.id, storedName: image.imagen),
                            contentType: "image/jpeg", data: Array(jpeg)),
                        originalBytes: original, compressedBytes: jpeg.count))
            } catch {
                run.warning("Error procesando imagen \(image.id): \(error)")
            }
        }
        return result
    }

    /// The order of a customer e-mail and the acting employee, or the `{"success": false, …}`
    /// result that ends the task.
    enum Start {
        case ready(OrdenConDetalle, EmpleadoActor?)
        case finished(JSONValue)
    }

    /// Reads the order and the acting employee; ends the task early when the order does not
    /// exist or nobody can be e-mailed (DECISIONS #11).
    static func start(_ run: TaskRun, ordenId: Int, usuarioId: Int?, cc: [String]) async throws -> Start {
        guard let (order, employee) = try await run.orderWithActor(ordenId, usuarioId: usuarioId) else {
            run.error("Orden ID \(ordenId) no encontrada.")
            return .finished(["success": false, "mensaje": .string("Orden ID \(ordenId) no encontrada.")])
        }
        let customer = order.detalle.emailCliente.trimmingCharacters(in: .whitespaces)
        guard customer.isEmpty, cc.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
            return .ready(order, employee)
        }
        let reason =
            "Orden \(order.numeroVisible) sin correo del cliente ni destinatarios en copia; no se envió ningún correo."
        run.warning(reason)
        return .finished(["success": false, "mensaje": .string(reason)])
    }
}
