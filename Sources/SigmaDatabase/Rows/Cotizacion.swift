#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A row of `servicio_tecnico_cotizacion` (one per order).
public struct Cotizacion: Sendable, Hashable {
    /// `orden_id` (primary key).
    public var ordenId: Int
    /// `fecha_envio`.
    public var fechaEnvio: Date
    /// `fecha_respuesta`.
    public var fechaRespuesta: Date?
    /// `usuario_acepto`: tri-state.
    public var usuarioAcepto: Bool?
    /// `motivo_rechazo`.
    public var motivoRechazo: String
    /// `detalle_rechazo`.
    public var detalleRechazo: String
    /// `costo_mano_obra` as decimal text (`0.00` on PostgreSQL, `0` on SQLite).
    public var costoManoObra: String
    /// `descontar_mano_obra`.
    public var descontarManoObra: Bool

    static let columns = """
        orden_id, fecha_envio, fecha_respuesta, usuario_acepto, motivo_rechazo, detalle_rechazo, \
        CAST(costo_mano_obra AS TEXT) AS costo_mano_obra, descontar_mano_obra
        """

    init(_ row: RowReader) throws {
        ordenId = try row.int("orden_id")
        fechaEnvio = try row.date("fecha_envio")
        fechaRespuesta = try row.optionalDate("fecha_respuesta")
        usuarioAcepto = try row.optionalBool("usuario_acepto")
        motivoRechazo = try row.string("motivo_rechazo")
        detalleRechazo = try row.string("detalle_rechazo")
        costoManoObra = try row.string("costo_mano_obra")
        descontarManoObra = try row.bool("descontar_mano_obra")
    }
}
