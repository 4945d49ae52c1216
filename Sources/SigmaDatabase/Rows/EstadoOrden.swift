/// The `OrdenServicio.estado` choices (§11.2): stored codes and their display labels.
public enum EstadoOrden {
    /// The state the diagnóstico task moves an order to.
    public static let diagnosticoEnviadoCliente = "diagnostico_enviado_cliente"

    /// Code → label, as Django's `get_estado_display` resolves them.
    public static let labels: [String: String] = [
        "almacen": "Proveniente de Almacén",
        "espera": "En Espera",
        "recepcion": "En Recepción",
        "diagnostico": "En Diagnóstico",
        "equipo_diagnosticado": "Equipo Diagnosticado",
        "diagnostico_enviado_cliente": "Diagnóstico Enviado al Cliente",
        "cotizacion_enviada_proveedor": "Envío de Cotización al Proveedor",
        "cotizacion_recibida_proveedor": "Se Recibe Cotización de Proveedores",
        "cotizacion": "Esperando Aprobación Cliente",
        "cliente_acepta_cotizacion": "Cliente Acepta Cotización",
        "rechazada": "Cotización Rechazada",
        "partes_solicitadas_proveedor": "Partes Solicitadas a Proveedor",
        "esperando_piezas": "Esperando Llegada de Piezas",
        "piezas_recibidas": "Piezas Recibidas",
        "wpb_pieza_incorrecta": "WPB - Pieza Incorrecta",
        "doa_pieza_danada": "DOA - Pieza Dañada",
        "pnc_parte_no_disponible": "PNC - Parte No Disponible",
        "reparacion": "En Reparación",
        "control_calidad": "Control de Calidad",
        "finalizado": "Finalizado - Listo para Entrega",
        "entregado": "Entregado al Cliente",
        "cancelado": "Cancelado",
    ]

    /// The label of a code; an unknown code prints `None`, as the Django code does.
    ///
    /// - Parameter code: a stored `estado` value.
    public static func label(_ code: String) -> String {
        labels[code] ?? "None"
    }

    /// The comment of the `cambio_estado` history row (§10.2).
    ///
    /// - Parameters:
    ///   - previous: the code before the change.
    ///   - new: the code after the change.
    public static func cambioEstadoComentario(from previous: String, to new: String) -> String {
        "Estado cambiado de '\(label(previous))' a '\(label(new))'"
    }
}
