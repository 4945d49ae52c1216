import SigmaDatabase

extension TaskRun {
    /// The order with its equipment details and the acting employee, read in one session;
    /// nil when the order does not exist.
    func orderWithActor(_ ordenId: Int, usuarioId: Int?) async throws -> (OrdenConDetalle, EmpleadoActor?)? {
        try await database.withSession { session -> (OrdenConDetalle, EmpleadoActor?)? in
            guard let order = try await session.ordenConDetalle(id: ordenId) else { return nil }
            return (order, try await session.empleado(userId: usuarioId))
        }
    }
}
