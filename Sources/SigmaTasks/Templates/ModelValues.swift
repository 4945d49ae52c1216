import DjangoTemplates
import Foundation
import SigmaDatabase

/// The model instances SIGMA's tasks hand to `render_to_string` (`orden`, `detalle`), as
/// template values: every column under its Django field name with its Python type (text, int,
/// bool, aware `datetime` or `None`), the `get_…_display()` methods a template can call without
/// parentheses, the related objects the tasks reach (`orden.detalle_equipo`, `orden.sucursal`),
/// and `str()` as the models' `__str__` writes it.
enum ModelValues {
    /// An `OrdenServicio` with its `detalle_equipo`.
    static func orden(_ order: OrdenConDetalle, settings: TemplateSettings) -> TemplateValue {
        let o = order.orden
        func time(_ date: Date?) -> TemplateValue { date.map { dateTime($0, settings) } ?? .none }
        func id(_ value: Int?) -> TemplateValue { value.map { .int($0) } ?? .none }
        let estadoLabel = EstadoOrden.label(o.estado)
        let sucursal: TemplateValue =
            o.sucursalNombre.map { name in
                .object(
                    name, attributes: [("id", .int(o.sucursalId)), ("pk", .int(o.sucursalId)), ("nombre", .text(name))])
            } ?? .none
        let text = "\(o.numeroOrdenInterno) - \(o.sucursalNombre ?? "None") (\(estadoLabel))"
        return .object(
            text,
            attributes: [
                ("id", .int(o.id)), ("pk", .int(o.id)), ("numero_orden_interno", .text(o.numeroOrdenInterno)),
                ("fecha_ingreso", dateTime(o.fechaIngreso, settings)),
                ("fecha_actualizacion", dateTime(o.fechaActualizacion, settings)),
                ("fecha_finalizacion", time(o.fechaFinalizacion)), ("fecha_entrega", time(o.fechaEntrega)),
                ("sucursal_id", .int(o.sucursalId)), ("sucursal", sucursal),
                ("responsable_seguimiento_id", id(o.responsableSeguimientoId)),
                ("tecnico_asignado_actual_id", .int(o.tecnicoAsignadoActualId)), ("estado", .text(o.estado)),
                ("get_estado_display", .text(estadoLabel)), ("es_reingreso", .bool(o.esReingreso)),
                ("orden_original_id", id(o.ordenOriginalId)), ("incidencia_scorecard_id", id(o.incidenciaScorecardId)),
                ("es_candidato_rhitso", .bool(o.esCandidatoRhitso)), ("motivo_rhitso", .text(o.motivoRhitso)),
                ("descripcion_rhitso", .text(o.descripcionRhitso)), ("estado_rhitso", .text(o.estadoRhitso)),
                ("fecha_envio_rhitso", time(o.fechaEnvioRhitso)),
                ("fecha_recepcion_rhitso", time(o.fechaRecepcionRhitso)),
                ("tecnico_diagnostico_id", id(o.tecnicoDiagnosticoId)),
                ("fecha_diagnostico_sic", time(o.fechaDiagnosticoSic)),
                ("complejidad_estimada", .text(o.complejidadEstimada)), ("requiere_factura", .bool(o.requiereFactura)),
                ("factura_emitida", .bool(o.facturaEmitida)), ("motivo_no_factura", .text(o.motivoNoFactura)),
                ("tipo_servicio", .text(o.tipoServicio)),
                ("control_calidad_requerido", .bool(o.controlCalidadRequerido)), ("año", .int(o.anio)),
                ("mes", .int(o.mes)), ("semana", .int(o.semana)),
                ("detalle_equipo", detalle(order.detalle, settings: settings)),
            ])
    }

    /// A `DetalleEquipo`.
    static func detalle(_ detail: DetalleEquipo, settings: TemplateSettings) -> TemplateValue {
        func time(_ text: String?) -> TemplateValue {
            // PostgreSQL writes the offset as `+00`, SQLite stores no offset.
            guard var text else { return .none }
            if text.range(of: #"[+-][0-9][0-9]$"#, options: .regularExpression) != nil { text += ":00" }
            guard let date = DjangoTimestamp.parseSQLite(text) else { return .none }
            return dateTime(date, settings)
        }
        let text = "\(detail.tipoEquipo.uppercased()) \(detail.marca) \(detail.modelo) - S/N: \(detail.numeroSerie)"
        return .object(
            text,
            attributes: [
                ("orden_id", .int(detail.ordenId)), ("tipo_equipo", .text(detail.tipoEquipo)),
                ("get_tipo_equipo_display", .text(detail.tipoEquipoLabel)), ("marca", .text(detail.marca)),
                ("modelo", .text(detail.modelo)), ("numero_serie", .text(detail.numeroSerie)),
                ("orden_cliente", .text(detail.ordenCliente)), ("email_cliente", .text(detail.emailCliente)),
                ("gama", .text(detail.gama)), ("tiene_cargador", .bool(detail.tieneCargador)),
                ("numero_serie_cargador", .text(detail.numeroSerieCargador)),
                ("equipo_enciende", .bool(detail.equipoEnciende)), ("falla_principal", .text(detail.fallaPrincipal)),
                ("diagnostico_sic", .text(detail.diagnosticoSic)),
                ("fecha_inicio_diagnostico", time(detail.fechaInicioDiagnostico)),
                ("fecha_fin_diagnostico", time(detail.fechaFinDiagnostico)),
                ("fecha_inicio_reparacion", time(detail.fechaInicioReparacion)),
                ("fecha_fin_reparacion", time(detail.fechaFinReparacion)),
            ])
    }

    /// A stored instant as Django hands it to a template: aware (UTC) under `USE_TZ`, otherwise
    /// the naive wall-clock value the column holds.
    static func dateTime(_ date: Date, _ settings: TemplateSettings) -> TemplateValue {
        .dateTime(date.timeIntervalSince1970, naive: !settings.useTZ)
    }
}
