/// A row of `servicio_tecnico_detalleequipo`, the one-to-one equipment detail of an order.
public struct DetalleEquipo: Sendable, Hashable {
    /// `orden_id` (primary key).
    public var ordenId: Int
    /// `tipo_equipo`: `PC`, `Laptop`, `AIO` or empty.
    public var tipoEquipo: String
    /// `marca`.
    public var marca: String
    /// `modelo`.
    public var modelo: String
    /// `numero_serie`.
    public var numeroSerie: String
    /// `orden_cliente`: the customer-facing order number, may be empty.
    public var ordenCliente: String
    /// `email_cliente`.
    public var emailCliente: String
    /// `gama`.
    public var gama: String
    /// `tiene_cargador`.
    public var tieneCargador: Bool
    /// `numero_serie_cargador`.
    public var numeroSerieCargador: String
    /// `equipo_enciende`.
    public var equipoEnciende: Bool
    /// `falla_principal`.
    public var fallaPrincipal: String
    /// `diagnostico_sic`.
    public var diagnosticoSic: String
    /// `fecha_inicio_diagnostico` as `YYYY-MM-DD`.
    public var fechaInicioDiagnostico: String?
    /// `fecha_fin_diagnostico` as `YYYY-MM-DD`.
    public var fechaFinDiagnostico: String?
    /// `fecha_inicio_reparacion` as `YYYY-MM-DD`.
    public var fechaInicioReparacion: String?
    /// `fecha_fin_reparacion` as `YYYY-MM-DD`.
    public var fechaFinReparacion: String?

    /// The display label of `tipo_equipo` (Django's choice label; raw value when unknown).
    public var tipoEquipoLabel: String {
        switch tipoEquipo {
        case "PC": "PC"
        case "Laptop": "Laptop"
        case "AIO": "AIO (All-in-One)"
        case "": "-- Seleccione un tipo de equipo --"
        default: tipoEquipo
        }
    }

    /// The column list every read of this table selects (date columns as text on both engines).
    static let columns = """
        orden_id, tipo_equipo, marca, modelo, numero_serie, orden_cliente, email_cliente, gama, tiene_cargador, \
        numero_serie_cargador, equipo_enciende, falla_principal, diagnostico_sic, \
        CAST(fecha_inicio_diagnostico AS TEXT) AS fecha_inicio_diagnostico, \
        CAST(fecha_fin_diagnostico AS TEXT) AS fecha_fin_diagnostico, \
        CAST(fecha_inicio_reparacion AS TEXT) AS fecha_inicio_reparacion, \
        CAST(fecha_fin_reparacion AS TEXT) AS fecha_fin_reparacion
        """

    init(_ row: RowReader) throws {
        ordenId = try row.int("orden_id")
        tipoEquipo = try row.string("tipo_equipo")
        marca = try row.string("marca")
        modelo = try row.string("modelo")
        numeroSerie = try row.string("numero_serie")
        ordenCliente = try row.string("orden_cliente")
        emailCliente = try row.string("email_cliente")
        gama = try row.string("gama")
        tieneCargador = try row.bool("tiene_cargador")
        numeroSerieCargador = try row.string("numero_serie_cargador")
        equipoEnciende = try row.bool("equipo_enciende")
        fallaPrincipal = try row.string("falla_principal")
        diagnosticoSic = try row.string("diagnostico_sic")
        fechaInicioDiagnostico = try row.optionalString("fecha_inicio_diagnostico")
        fechaFinDiagnostico = try row.optionalString("fecha_fin_diagnostico")
        fechaInicioReparacion = try row.optionalString("fecha_inicio_reparacion")
        fechaFinReparacion = try row.optionalString("fecha_fin_reparacion")
    }
}

/// An order together with its equipment detail, as every task loads it.
public struct OrdenConDetalle: Sendable, Hashable {
    /// The order row.
    public var orden: OrdenServicio
    /// Its `servicio_tecnico_detalleequipo` row.
    public var detalle: DetalleEquipo

    /// `orden_cliente` when non-empty, else `numero_orden_interno` (subjects, e-mail bodies).
    public var numeroVisible: String {
        detalle.ordenCliente.isEmpty ? orden.numeroOrdenInterno : detalle.ordenCliente
    }
}
