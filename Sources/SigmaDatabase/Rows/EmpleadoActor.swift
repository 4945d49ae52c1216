/// The employee acting for an `auth_user` (§10.3): author of history rows, WhatsApp number.
public struct EmpleadoActor: Sendable, Hashable {
    /// `auth_user.id`.
    public var userId: Int
    /// `inventario_empleado.id`: what history rows store in `usuario_id`.
    public var empleadoId: Int
    /// `inventario_empleado.nombre_completo`.
    public var nombreCompleto: String
    /// `inventario_empleado.email` (nullable).
    public var email: String?
    /// `inventario_empleado.numero_whatsapp`: local number without country code (nullable).
    public var numeroWhatsapp: String?

    /// The WhatsApp link number (`codigo_telefonico` + number), or `""` when there is no number.
    ///
    /// - Parameter country: the order's country.
    public func whatsappNumber(for country: Country) -> String {
        guard let number = numeroWhatsapp, !number.isEmpty else { return "" }
        return country.codigoTelefonico + number
    }
}
