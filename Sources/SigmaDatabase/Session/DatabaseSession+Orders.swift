import SQLKit

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension DatabaseSession {
    /// Loads an order by id.
    ///
    /// - Parameter id: `servicio_tecnico_ordenservicio.id`.
    /// - Returns: the order, or `nil` when there is none.
    public func orden(id: Int) async throws -> OrdenServicio? {
        let rows = try await rows(
            "SELECT \(unsafeRaw: OrdenServicio.columns) FROM servicio_tecnico_ordenservicio WHERE id = \(bind: id)"
        )
        return try rows.first.map(OrdenServicio.init)
    }

    /// Loads an order and its equipment detail, as every task does first.
    ///
    /// - Parameter id: the order id.
    /// - Returns: order and detail, or `nil` when the order does not exist.
    /// - Throws: ``SigmaDatabaseError`` `orderDetailMissing` when the order exists without detail.
    public func ordenConDetalle(id: Int) async throws -> OrdenConDetalle? {
        guard let orden = try await orden(id: id) else { return nil }
        let rows = try await rows(
            "SELECT \(unsafeRaw: DetalleEquipo.columns) FROM servicio_tecnico_detalleequipo WHERE orden_id = \(bind: id)"
        )
        guard let row = rows.first else {
            throw SigmaDatabaseError(
                code: .orderDetailMissing,
                message: "order \(id) (\(orden.numeroOrdenInterno)) has no servicio_tecnico_detalleequipo row "
                    + "in database '\(alias.rawValue)' at \(location)",
                alias: alias.rawValue, location: location
            )
        }
        return OrdenConDetalle(orden: orden, detalle: try DetalleEquipo(row))
    }

    /// Changes an order's state as Django's `OrdenServicio.save()` does (§10.2): re-reads the
    /// current state, updates only `estado`, and when the previous state was non-empty and
    /// different inserts the `cambio_estado` history row.
    ///
    /// - Parameters:
    ///   - ordenId: the order.
    ///   - nuevoEstado: the new state code, e.g. ``EstadoOrden/diagnosticoEnviadoCliente``.
    ///   - now: the event time (defaults to now).
    /// - Returns: the state before the update.
    /// - Throws: ``SigmaDatabaseError`` `orderNotUpdated` when the order does not exist.
    @discardableResult
    public func cambiarEstado(ordenId: Int, a nuevoEstado: String, now: Date = DjangoTimestamp.now()) async throws
        -> String
    {
        let current = try await rows(
            "SELECT estado FROM servicio_tecnico_ordenservicio WHERE id = \(bind: ordenId)"
        )
        let previous = try current.first?.string("estado") ?? ""
        let updated = try await rows(
            "UPDATE servicio_tecnico_ordenservicio SET estado = \(bind: nuevoEstado) WHERE id = \(bind: ordenId) RETURNING id"
        )
        guard !updated.isEmpty else {
            throw SigmaDatabaseError(
                code: .orderNotUpdated,
                message: "order \(ordenId) not found in database '\(alias.rawValue)' at \(location); state not changed",
                alias: alias.rawValue, location: location
            )
        }
        if !previous.isEmpty, previous != nuevoEstado {
            try await insertarHistorial(
                ordenId: ordenId, tipoEvento: "cambio_estado",
                comentario: EstadoOrden.cambioEstadoComentario(from: previous, to: nuevoEstado),
                empleadoId: nil, esSistema: true, estadoAnterior: previous, estadoNuevo: nuevoEstado, now: now
            )
        }
        return previous
    }
}
