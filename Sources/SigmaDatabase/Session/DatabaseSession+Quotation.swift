import SQLKit

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension DatabaseSession {
    /// The quotation of an order, if any.
    ///
    /// - Parameter ordenId: the order.
    public func cotizacion(ordenId: Int) async throws -> Cotizacion? {
        try await rows(
            "SELECT \(unsafeRaw: Cotizacion.columns) FROM servicio_tecnico_cotizacion WHERE orden_id = \(bind: ordenId)"
        ).first.map(Cotizacion.init)
    }

    /// Django's `Cotizacion.objects.get_or_create(orden_id=…)` with the task's defaults; an existing
    /// quotation is left untouched.
    ///
    /// - Parameters:
    ///   - ordenId: the order.
    ///   - now: `fecha_envio` for a new row.
    /// - Returns: the quotation and whether this call created it.
    public func obtenerOCrearCotizacion(ordenId: Int, now: Date = DjangoTimestamp.now()) async throws
        -> (cotizacion: Cotizacion, creada: Bool)
    {
        if let existing = try await cotizacion(ordenId: ordenId) { return (existing, false) }
        let inserted = try await rows(
            """
            INSERT INTO servicio_tecnico_cotizacion (orden_id, fecha_envio, fecha_respuesta, usuario_acepto, \
            motivo_rechazo, detalle_rechazo, costo_mano_obra, descontar_mano_obra) \
            VALUES (\(bind: ordenId), \(bind: timestamp(now)), NULL, NULL, '', '', 0.00, \(bind: false)) \
            ON CONFLICT (orden_id) DO NOTHING RETURNING orden_id
            """
        )
        guard let row = try await cotizacion(ordenId: ordenId) else {
            throw decodingError("quotation of order \(ordenId) vanished after insert")
        }
        return (row, !inserted.isEmpty)
    }

    /// The catalogue rows named exactly `nombre` (case-sensitive, active or not), by id.
    ///
    /// - Parameter nombre: `componente_db` from the task.
    public func componentes(nombre: String) async throws -> [ComponenteEquipo] {
        try await rows(
            """
            SELECT \(unsafeRaw: ComponenteEquipo.columns) FROM scorecard_componenteequipo \
            WHERE nombre = \(bind: nombre) ORDER BY id ASC
            """
        ).map(ComponenteEquipo.init)
    }

    /// One catalogue row for a name, chosen by ``ComponenteEquipo/pick(from:equipmentType:)``.
    ///
    /// - Parameters:
    ///   - nombre: `componente_db` from the task.
    ///   - tipoEquipo: the order's `detalleequipo.tipo_equipo`.
    public func componente(nombre: String, tipoEquipo: String) async throws -> ComponenteEquipo? {
        ComponenteEquipo.pick(from: try await componentes(nombre: nombre), equipmentType: tipoEquipo)
    }

    /// Whether the quotation already has a piece for the component.
    ///
    /// - Parameters:
    ///   - cotizacionId: the quotation (= order id).
    ///   - componenteId: the catalogue row.
    public func existePiezaCotizada(cotizacionId: Int, componenteId: Int) async throws -> Bool {
        try await !rows(
            """
            SELECT id FROM servicio_tecnico_piezacotizada \
            WHERE cotizacion_id = \(bind: cotizacionId) AND componente_id = \(bind: componenteId)
            """
        ).isEmpty
    }

    /// Inserts a technician-suggested piece with the task's values (§4.2 step 5).
    ///
    /// - Parameters:
    ///   - cotizacionId: the quotation (= order id).
    ///   - componenteId: the catalogue row.
    ///   - descripcionAdicional: the DPN, as given.
    ///   - esNecesaria: necessary or optional.
    ///   - ordenPrioridad: 1, 2, 3… among the pieces created in this execution.
    ///   - now: `fecha_creacion` and `fecha_actualizacion`.
    /// - Returns: the new row's id.
    @discardableResult
    public func insertarPiezaCotizada(
        cotizacionId: Int, componenteId: Int, descripcionAdicional: String, esNecesaria: Bool,
        ordenPrioridad: Int, now: Date = DjangoTimestamp.now()
    ) async throws -> Int {
        let rows = try await rows(
            """
            INSERT INTO servicio_tecnico_piezacotizada (cotizacion_id, componente_id, descripcion_adicional, \
            costo_unitario, proveedor, cantidad, sugerida_por_tecnico, es_necesaria, orden_prioridad, \
            aceptada_por_cliente, motivo_rechazo_pieza, fecha_creacion, fecha_actualizacion) \
            VALUES (\(bind: cotizacionId), \(bind: componenteId), \(bind: descripcionAdicional), 0.00, '', 1, \
            \(bind: true), \(bind: esNecesaria), \(bind: ordenPrioridad), NULL, '', \(bind: timestamp(now)), \
            \(bind: timestamp(now))) RETURNING id
            """
        )
        guard let id = try rows.first?.int("id") else { throw decodingError("INSERT returned no id") }
        return id
    }

    /// The pieces of a quotation in Django's default order (`orden_prioridad`, `fecha_creacion`).
    ///
    /// - Parameter cotizacionId: the quotation (= order id).
    public func piezasCotizadas(cotizacionId: Int) async throws -> [PiezaCotizada] {
        try await rows(
            """
            SELECT \(unsafeRaw: PiezaCotizada.columns) FROM servicio_tecnico_piezacotizada \
            WHERE cotizacion_id = \(bind: cotizacionId) ORDER BY orden_prioridad ASC, fecha_creacion ASC, id ASC
            """
        ).map(PiezaCotizada.init)
    }

    /// The diagnóstico task's step 5: get-or-create the quotation, then for every selected entry
    /// with a catalogue name that resolves to a component, create its piece unless the quotation
    /// already has one. Priorities count only the pieces created here.
    ///
    /// - Parameters:
    ///   - ordenId: the order.
    ///   - componentes: the normalised `componentes_data`, in input order.
    ///   - tipoEquipo: the order's `detalleequipo.tipo_equipo` (duplicate-name rule).
    ///   - now: timestamps of the new rows.
    public func precrearPiezas(
        ordenId: Int, componentes: [ComponenteSeleccion], tipoEquipo: String, now: Date = DjangoTimestamp.now()
    ) async throws -> PiezasPrecreadas {
        let (_, creada) = try await obtenerOCrearCotizacion(ordenId: ordenId, now: now)
        var result = PiezasPrecreadas(cotizacionCreada: creada, nombres: [], piezaIds: [])
        for entry in componentes where entry.seleccionado && !entry.componenteDB.isEmpty {
            guard let componente = try await componente(nombre: entry.componenteDB, tipoEquipo: tipoEquipo) else {
                continue
            }
            if try await existePiezaCotizada(cotizacionId: ordenId, componenteId: componente.id) { continue }
            let id = try await insertarPiezaCotizada(
                cotizacionId: ordenId, componenteId: componente.id, descripcionAdicional: entry.dpn,
                esNecesaria: entry.esNecesaria, ordenPrioridad: result.count + 1, now: now
            )
            result.nombres.append(entry.componenteDB)
            result.piezaIds.append(id)
        }
        return result
    }

    /// The names ``precrearPiezas(ordenId:componentes:tipoEquipo:now:)`` would create, in order,
    /// read without writing: SIGMA computes them before its e-mail and passes them to the
    /// template (`componentes_seleccionados`, `piezas_creadas`).
    /// - Parameters:
    ///   - ordenId: the order.
    ///   - componentes: the normalised `componentes_data`, in input order.
    ///   - tipoEquipo: the order's `detalleequipo.tipo_equipo` (duplicate-name rule).
    public func piezasPorCrear(ordenId: Int, componentes: [ComponenteSeleccion], tipoEquipo: String) async throws
        -> [String]
    {
        var names: [String] = []
        var planned: Set<Int> = []
        for entry in componentes where entry.seleccionado && !entry.componenteDB.isEmpty {
            guard let componente = try await componente(nombre: entry.componenteDB, tipoEquipo: tipoEquipo) else {
                continue
            }
            if planned.contains(componente.id) { continue }
            if try await existePiezaCotizada(cotizacionId: ordenId, componenteId: componente.id) { continue }
            planned.insert(componente.id)
            names.append(entry.componenteDB)
        }
        return names
    }
}
