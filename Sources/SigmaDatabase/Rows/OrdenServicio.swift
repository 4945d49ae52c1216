#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A row of `servicio_tecnico_ordenservicio` (the 64a1811 columns).
public struct OrdenServicio: Sendable, Hashable {
    /// `id`.
    public var id: Int
    /// `numero_orden_interno`, e.g. `ORD-2026-0001`.
    public var numeroOrdenInterno: String
    /// `fecha_ingreso`.
    public var fechaIngreso: Date
    /// `fecha_actualizacion`.
    public var fechaActualizacion: Date
    /// `fecha_finalizacion`.
    public var fechaFinalizacion: Date?
    /// `fecha_entrega`.
    public var fechaEntrega: Date?
    /// `sucursal_id`.
    public var sucursalId: Int
    /// `responsable_seguimiento_id` (nullable at HEAD).
    public var responsableSeguimientoId: Int?
    /// `tecnico_asignado_actual_id`.
    public var tecnicoAsignadoActualId: Int
    /// `estado` code (labels: ``EstadoOrden``).
    public var estado: String
    /// `es_reingreso`.
    public var esReingreso: Bool
    /// `orden_original_id`.
    public var ordenOriginalId: Int?
    /// `incidencia_scorecard_id`.
    public var incidenciaScorecardId: Int?
    /// `es_candidato_rhitso`.
    public var esCandidatoRhitso: Bool
    /// `motivo_rhitso`.
    public var motivoRhitso: String
    /// `descripcion_rhitso` (printed in the RHITSO PDF and e-mail).
    public var descripcionRhitso: String
    /// `estado_rhitso`.
    public var estadoRhitso: String
    /// `fecha_envio_rhitso`.
    public var fechaEnvioRhitso: Date?
    /// `fecha_recepcion_rhitso`.
    public var fechaRecepcionRhitso: Date?
    /// `tecnico_diagnostico_id`.
    public var tecnicoDiagnosticoId: Int?
    /// `fecha_diagnostico_sic`.
    public var fechaDiagnosticoSic: Date?
    /// `complejidad_estimada`.
    public var complejidadEstimada: String
    /// `requiere_factura`.
    public var requiereFactura: Bool
    /// `factura_emitida`.
    public var facturaEmitida: Bool
    /// `motivo_no_factura`.
    public var motivoNoFactura: String
    /// `tipo_servicio`.
    public var tipoServicio: String
    /// `control_calidad_requerido`.
    public var controlCalidadRequerido: Bool
    /// `año`.
    public var anio: Int
    /// `mes`.
    public var mes: Int
    /// `semana`.
    public var semana: Int
    /// `sucursal.nombre` (read with the row; nil when the branch row is missing).
    public var sucursalNombre: String?

    /// The column list every read of this table selects.
    static let columns = """
        id, numero_orden_interno, fecha_ingreso, fecha_actualizacion, fecha_finalizacion, fecha_entrega, \
        sucursal_id, responsable_seguimiento_id, tecnico_asignado_actual_id, estado, es_reingreso, \
        orden_original_id, incidencia_scorecard_id, es_candidato_rhitso, motivo_rhitso, descripcion_rhitso, \
        estado_rhitso, fecha_envio_rhitso, fecha_recepcion_rhitso, tecnico_diagnostico_id, fecha_diagnostico_sic, \
        complejidad_estimada, requiere_factura, factura_emitida, motivo_no_factura, tipo_servicio, \
        control_calidad_requerido, "año", mes, semana, \
        (SELECT nombre FROM inventario_sucursal WHERE inventario_sucursal.id = sucursal_id) AS sucursal_nombre
        """

    init(_ row: RowReader) throws {
        id = try row.int("id")
        numeroOrdenInterno = try row.string("numero_orden_interno")
        fechaIngreso = try row.date("fecha_ingreso")
        fechaActualizacion = try row.date("fecha_actualizacion")
        fechaFinalizacion = try row.optionalDate("fecha_finalizacion")
        fechaEntrega = try row.optionalDate("fecha_entrega")
        sucursalId = try row.int("sucursal_id")
        responsableSeguimientoId = try row.optionalInt("responsable_seguimiento_id")
        tecnicoAsignadoActualId = try row.int("tecnico_asignado_actual_id")
        estado = try row.string("estado")
        esReingreso = try row.bool("es_reingreso")
        ordenOriginalId = try row.optionalInt("orden_original_id")
        incidenciaScorecardId = try row.optionalInt("incidencia_scorecard_id")
        esCandidatoRhitso = try row.bool("es_candidato_rhitso")
        motivoRhitso = try row.string("motivo_rhitso")
        descripcionRhitso = try row.string("descripcion_rhitso")
        estadoRhitso = try row.string("estado_rhitso")
        fechaEnvioRhitso = try row.optionalDate("fecha_envio_rhitso")
        fechaRecepcionRhitso = try row.optionalDate("fecha_recepcion_rhitso")
        tecnicoDiagnosticoId = try row.optionalInt("tecnico_diagnostico_id")
        fechaDiagnosticoSic = try row.optionalDate("fecha_diagnostico_sic")
        complejidadEstimada = try row.string("complejidad_estimada")
        requiereFactura = try row.bool("requiere_factura")
        facturaEmitida = try row.bool("factura_emitida")
        motivoNoFactura = try row.string("motivo_no_factura")
        tipoServicio = try row.string("tipo_servicio")
        controlCalidadRequerido = try row.bool("control_calidad_requerido")
        anio = try row.int("año")
        mes = try row.int("mes")
        semana = try row.int("semana")
        sucursalNombre = try row.optionalString("sucursal_nombre")
    }
}
