#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A row of `servicio_tecnico_imagenorden`.
public struct ImagenOrden: Sendable, Hashable {
    /// `id`.
    public var id: Int
    /// `orden_id`.
    public var ordenId: Int
    /// `tipo`: `ingreso`, `diagnostico`, `reparacion`, `egreso`, `autorizacion` (HEAD adds more).
    public var tipo: String
    /// `imagen`: path relative to a storage root, `/`-separated.
    public var imagen: String
    /// `imagen_original`.
    public var imagenOriginal: String?
    /// `descripcion`.
    public var descripcion: String
    /// `fecha_subida`.
    public var fechaSubida: Date
    /// `subido_por_id` (an `inventario_empleado` id).
    public var subidoPorId: Int

    static let columns = "id, orden_id, tipo, imagen, imagen_original, descripcion, fecha_subida, subido_por_id"

    init(_ row: RowReader) throws {
        id = try row.int("id")
        ordenId = try row.int("orden_id")
        tipo = try row.string("tipo")
        imagen = try row.string("imagen")
        imagenOriginal = try row.optionalString("imagen_original")
        descripcion = try row.string("descripcion")
        fechaSubida = try row.date("fecha_subida")
        subidoPorId = try row.int("subido_por_id")
    }
}
