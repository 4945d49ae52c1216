#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A row of `servicio_tecnico_piezacotizada`.
public struct PiezaCotizada: Sendable, Hashable {
    /// `id`.
    public var id: Int
    /// `cotizacion_id` (= the order id).
    public var cotizacionId: Int
    /// `componente_id`.
    public var componenteId: Int
    /// `descripcion_adicional` (the task stores the DPN here).
    public var descripcionAdicional: String
    /// `sugerida_por_tecnico`.
    public var sugeridaPorTecnico: Bool
    /// `es_necesaria`.
    public var esNecesaria: Bool
    /// `cantidad`.
    public var cantidad: Int
    /// `costo_unitario` as decimal text.
    public var costoUnitario: String
    /// `proveedor`.
    public var proveedor: String
    /// `aceptada_por_cliente`: tri-state.
    public var aceptadaPorCliente: Bool?
    /// `motivo_rechazo_pieza`.
    public var motivoRechazoPieza: String
    /// `orden_prioridad`.
    public var ordenPrioridad: Int
    /// `fecha_creacion`.
    public var fechaCreacion: Date
    /// `fecha_actualizacion`.
    public var fechaActualizacion: Date

    static let columns = """
        id, cotizacion_id, componente_id, descripcion_adicional, sugerida_por_tecnico, es_necesaria, cantidad, \
        CAST(costo_unitario AS TEXT) AS costo_unitario, proveedor, aceptada_por_cliente, motivo_rechazo_pieza, \
        orden_prioridad, fecha_creacion, fecha_actualizacion
        """

    init(_ row: RowReader) throws {
        id = try row.int("id")
        cotizacionId = try row.int("cotizacion_id")
        componenteId = try row.int("componente_id")
        descripcionAdicional = try row.string("descripcion_adicional")
        sugeridaPorTecnico = try row.bool("sugerida_por_tecnico")
        esNecesaria = try row.bool("es_necesaria")
        cantidad = try row.int("cantidad")
        costoUnitario = try row.string("costo_unitario")
        proveedor = try row.string("proveedor")
        aceptadaPorCliente = try row.optionalBool("aceptada_por_cliente")
        motivoRechazoPieza = try row.string("motivo_rechazo_pieza")
        ordenPrioridad = try row.int("orden_prioridad")
        fechaCreacion = try row.date("fecha_creacion")
        fechaActualizacion = try row.date("fecha_actualizacion")
    }
}

/// One entry of the diagnóstico task's `componentes_data`, normalised to its four keys.
public struct ComponenteSeleccion: Sendable, Hashable {
    /// `componente_db`: catalogue name (default `""`).
    public var componenteDB: String
    /// `dpn`: stored as `descripcion_adicional` (default `""`).
    public var dpn: String
    /// `seleccionado` (default `false`).
    public var seleccionado: Bool
    /// `es_necesaria` (default `true`).
    public var esNecesaria: Bool

    /// Creates an entry with the task's defaults.
    ///
    /// - Parameters:
    ///   - componenteDB: catalogue name.
    ///   - dpn: part number text.
    ///   - seleccionado: whether the technician ticked it.
    ///   - esNecesaria: necessary (true) or optional.
    public init(componenteDB: String = "", dpn: String = "", seleccionado: Bool = false, esNecesaria: Bool = true) {
        self.componenteDB = componenteDB
        self.dpn = dpn
        self.seleccionado = seleccionado
        self.esNecesaria = esNecesaria
    }
}

/// What ``DatabaseSession/precrearPiezas(ordenId:componentes:tipoEquipo:now:)`` did.
public struct PiezasPrecreadas: Sendable, Hashable {
    /// Whether the `servicio_tecnico_cotizacion` row was created by this call.
    public var cotizacionCreada: Bool
    /// Names of the components whose pieces were created, in creation order.
    public var nombres: [String]
    /// The created rows' ids, in creation order.
    public var piezaIds: [Int]

    /// How many pieces were created.
    public var count: Int { nombres.count }
}
