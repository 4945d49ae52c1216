import SQLKit

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension DatabaseSession {
    /// Django's `registrar_historial` (§10.1): one history row with empty state columns and no
    /// technicians.
    ///
    /// - Parameters:
    ///   - ordenId: the order.
    ///   - tipoEvento: `sistema`, `email`, …
    ///   - comentario: the comment, stored exactly.
    ///   - empleadoId: the acting employee's id (``EmpleadoActor/empleadoId``) or `nil`.
    ///   - esSistema: whether the system (not a person) made the change.
    ///   - now: `fecha_evento`.
    /// - Returns: the new row's id.
    @discardableResult
    public func registrarHistorial(
        ordenId: Int, tipoEvento: String, comentario: String = "", empleadoId: Int?, esSistema: Bool = false,
        now: Date = DjangoTimestamp.now()
    ) async throws -> Int {
        try await insertarHistorial(
            ordenId: ordenId, tipoEvento: tipoEvento, comentario: comentario, empleadoId: empleadoId,
            esSistema: esSistema, estadoAnterior: "", estadoNuevo: "", now: now
        )
    }

    /// An order's history, newest first (Django's default order, `id` as tie-breaker).
    ///
    /// - Parameter ordenId: the order.
    public func historial(ordenId: Int) async throws -> [HistorialOrden] {
        try await rows(
            """
            SELECT \(unsafeRaw: HistorialOrden.columns) FROM servicio_tecnico_historialorden \
            WHERE orden_id = \(bind: ordenId) ORDER BY fecha_evento DESC, id DESC
            """
        ).map(HistorialOrden.init)
    }

    @discardableResult
    func insertarHistorial(
        ordenId: Int, tipoEvento: String, comentario: String, empleadoId: Int?, esSistema: Bool,
        estadoAnterior: String, estadoNuevo: String, now: Date
    ) async throws -> Int {
        let rows = try await rows(
            """
            INSERT INTO servicio_tecnico_historialorden (orden_id, fecha_evento, tipo_evento, estado_anterior, \
            estado_nuevo, tecnico_anterior_id, tecnico_nuevo_id, comentario, usuario_id, es_sistema) \
            VALUES (\(bind: ordenId), \(bind: timestamp(now)), \(bind: tipoEvento), \(bind: estadoAnterior), \
            \(bind: estadoNuevo), NULL, NULL, \(bind: comentario), \(bind: empleadoId), \(bind: esSistema)) \
            RETURNING id
            """
        )
        guard let id = try rows.first?.int("id") else { throw decodingError("INSERT returned no id") }
        return id
    }
}
