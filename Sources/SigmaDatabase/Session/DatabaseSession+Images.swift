import SQLKit

extension DatabaseSession {
    /// An order's images of one type, oldest first (`fecha_subida`, then `id` as tie-breaker).
    ///
    /// - Parameters:
    ///   - ordenId: the order.
    ///   - tipo: `ingreso`, `autorizacion`, …
    public func imagenes(ordenId: Int, tipo: String) async throws -> [ImagenOrden] {
        try await rows(
            """
            SELECT \(unsafeRaw: ImagenOrden.columns) FROM servicio_tecnico_imagenorden \
            WHERE orden_id = \(bind: ordenId) AND tipo = \(bind: tipo) ORDER BY fecha_subida ASC, id ASC
            """
        ).map(ImagenOrden.init)
    }

    /// The images among `ids` that belong to the order and have the type, oldest first.
    /// Ids of other orders or types are silently dropped.
    ///
    /// - Parameters:
    ///   - ids: image ids (the task converts its string ids first).
    ///   - ordenId: the order.
    ///   - tipo: `diagnostico` or `ingreso`.
    public func imagenes(ids: [Int], ordenId: Int, tipo: String) async throws -> [ImagenOrden] {
        guard !ids.isEmpty else { return [] }
        let unique = Array(Set(ids)).sorted()
        return try await rows(
            """
            SELECT \(unsafeRaw: ImagenOrden.columns) FROM servicio_tecnico_imagenorden \
            WHERE id IN (\(binds: unique)) AND orden_id = \(bind: ordenId) AND tipo = \(bind: tipo) \
            ORDER BY fecha_subida ASC, id ASC
            """
        ).map(ImagenOrden.init)
    }
}
