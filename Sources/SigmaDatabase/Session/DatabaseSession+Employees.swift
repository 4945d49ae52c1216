import SQLKit

extension DatabaseSession {
    /// Resolves the employee acting for an auth user (§10.3).
    ///
    /// - Parameter userId: `auth_user.id` from the task message, or `nil`.
    /// - Returns: the employee, or `nil` when there is no user id, no such user, or no employee.
    public func empleado(userId: Int?) async throws -> EmpleadoActor? {
        guard let userId else { return nil }
        let users = try await rows("SELECT id FROM auth_user WHERE id = \(bind: userId)")
        guard !users.isEmpty else { return nil }
        let rows = try await rows(
            """
            SELECT id, nombre_completo, email, numero_whatsapp FROM inventario_empleado \
            WHERE user_id = \(bind: userId)
            """
        )
        guard let row = rows.first else { return nil }
        return EmpleadoActor(
            userId: userId,
            empleadoId: try row.int("id"),
            nombreCompleto: try row.string("nombre_completo"),
            email: try row.optionalString("email"),
            numeroWhatsapp: try row.optionalString("numero_whatsapp")
        )
    }
}
