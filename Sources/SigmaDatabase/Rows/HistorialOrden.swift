#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A row of `servicio_tecnico_historialorden`.
public struct HistorialOrden: Sendable, Hashable {
    /// `id`.
    public var id: Int
    /// `orden_id`.
    public var ordenId: Int
    /// `fecha_evento`.
    public var fechaEvento: Date
    /// `tipo_evento` (`sistema`, `email`, `cambio_estado`, …).
    public var tipoEvento: String
    /// `estado_anterior`.
    public var estadoAnterior: String
    /// `estado_nuevo`.
    public var estadoNuevo: String
    /// `tecnico_anterior_id`.
    public var tecnicoAnteriorId: Int?
    /// `tecnico_nuevo_id`.
    public var tecnicoNuevoId: Int?
    /// `comentario`.
    public var comentario: String
    /// `usuario_id`: an `inventario_empleado` id, not an auth user.
    public var usuarioId: Int?
    /// `es_sistema`.
    public var esSistema: Bool

    static let columns = """
        id, orden_id, fecha_evento, tipo_evento, estado_anterior, estado_nuevo, tecnico_anterior_id, \
        tecnico_nuevo_id, comentario, usuario_id, es_sistema
        """

    init(_ row: RowReader) throws {
        id = try row.int("id")
        ordenId = try row.int("orden_id")
        fechaEvento = try row.date("fecha_evento")
        tipoEvento = try row.string("tipo_evento")
        estadoAnterior = try row.string("estado_anterior")
        estadoNuevo = try row.string("estado_nuevo")
        tecnicoAnteriorId = try row.optionalInt("tecnico_anterior_id")
        tecnicoNuevoId = try row.optionalInt("tecnico_nuevo_id")
        comentario = try row.string("comentario")
        usuarioId = try row.optionalInt("usuario_id")
        esSistema = try row.bool("es_sistema")
    }
}
