#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A row of `scorecard_componenteequipo`, the parts catalogue.
public struct ComponenteEquipo: Sendable, Hashable {
    /// `id`.
    public var id: Int
    /// `nombre` (unique only together with `tipo_equipo`).
    public var nombre: String
    /// `tipo_equipo`: `pc`, `laptop`, `aio` or `todos`.
    public var tipoEquipo: String
    /// `activo`.
    public var activo: Bool
    /// `fecha_creacion`.
    public var fechaCreacion: Date

    static let columns = "id, nombre, tipo_equipo, activo, fecha_creacion"

    init(_ row: RowReader) throws {
        id = try row.int("id")
        nombre = try row.string("nombre")
        tipoEquipo = try row.string("tipo_equipo")
        activo = try row.bool("activo")
        fechaCreacion = try row.date("fecha_creacion")
    }

    /// Creates a value (tests, seeds).
    ///
    /// - Parameters:
    ///   - id: `id`.
    ///   - nombre: `nombre`.
    ///   - tipoEquipo: `tipo_equipo`.
    ///   - activo: `activo`.
    ///   - fechaCreacion: `fecha_creacion`.
    public init(id: Int, nombre: String, tipoEquipo: String, activo: Bool = true, fechaCreacion: Date) {
        self.id = id
        self.nombre = nombre
        self.tipoEquipo = tipoEquipo
        self.activo = activo
        self.fechaCreacion = fechaCreacion
    }

    /// Picks one catalogue row among rows sharing a name (DECISIONS #7): the row whose
    /// `tipo_equipo` matches the order's equipment type (`PC`/`Laptop`/`AIO` vs
    /// `pc`/`laptop`/`aio`), else the `todos` row, else the lowest id.
    ///
    /// - Parameters:
    ///   - candidates: rows with the same `nombre`.
    ///   - equipmentType: the order's `detalleequipo.tipo_equipo`.
    /// - Returns: the chosen row, or `nil` when there is none.
    public static func pick(from candidates: [ComponenteEquipo], equipmentType: String) -> ComponenteEquipo? {
        let byId = candidates.sorted { $0.id < $1.id }
        let wanted = equipmentType.lowercased()
        if !wanted.isEmpty, let match = byId.first(where: { $0.tipoEquipo == wanted }) { return match }
        if let general = byId.first(where: { $0.tipoEquipo == "todos" }) { return general }
        return byId.first
    }
}
