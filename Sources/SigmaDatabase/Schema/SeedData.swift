/// Demo and test rows for both country databases (§11 tables). The two countries hold
/// different rows under overlapping ids, so a query routed to the wrong database shows.
///
/// Mexico: orders 1–6 (order 5 has no detail row; order 3 has an empty state, order 4 an
/// unknown one, order 6 is already `diagnostico_enviado_cliente`), images of every type,
/// a catalogue with duplicate names (`Batería` todos/laptop, `Teclado` aio/pc), users with
/// and without an employee, and an existing quotation with one piece on order 2.
/// Argentina: orders 1, 2 and 7 with their own images, employees and catalogue.
public enum SeedData {
    /// One column value.
    public enum Value: Sendable, Hashable {
        /// An integer.
        case int(Int)
        /// A string.
        case text(String)
        /// A boolean (0/1 on SQLite).
        case bool(Bool)
        /// NULL.
        case null
        /// A UTC timestamp written as `YYYY-MM-DD HH:MM:SS[.ffffff]`.
        case timestamp(String)
        /// A date `YYYY-MM-DD`.
        case date(String)
        /// A decimal written as text.
        case decimal(String)
    }

    /// The rows of one table.
    public struct Table: Sendable {
        /// Table name.
        public var name: String
        /// Column names, quoted when inserted.
        public var columns: [String]
        /// Values in column order.
        public var rows: [[Value]]
    }

    /// The seed rows of a country database, in insertion order.
    ///
    /// - Parameter alias: the country database.
    public static func tables(for alias: DatabaseAlias) -> [Table] {
        alias == .mexico ? mexico : argentina
    }

    private static func user(_ id: Int, _ username: String, _ first: String, _ last: String, superuser: Bool = false)
        -> [Value]
    {
        [
            .int(id), .text("!unusable"), .null, .bool(superuser), .text(username), .text(first), .text(last),
            .text("\(username)@example.com"), .bool(superuser), .bool(true), .timestamp("2025-06-01 12:00:00"),
        ]
    }

    private static let userColumns = [
        "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
        "is_active", "date_joined",
    ]

    private static let sucursalColumns = [
        "id", "nombre", "direccion", "responsable", "telefono", "activa", "fecha_creacion", "ciudad", "email",
        "estado_provincia", "observaciones", "codigo",
    ]

    private static let empleadoColumns = [
        "id", "nombre_completo", "cargo", "area", "sucursal_id", "email", "numero_whatsapp", "jefe_directo_id",
        "foto_perfil", "activo", "fecha_ingreso", "fecha_actualizacion", "user_id", "tiene_acceso_sistema",
        "fecha_envio_credenciales", "contraseña_configurada", "fecha_activacion_acceso", "rol",
    ]

    private static func empleado(
        _ id: Int, _ nombre: String, sucursal: Int, email: String?, whatsapp: String?, user: Int?,
        rol: String = "tecnico"
    ) -> [Value] {
        [
            .int(id), .text(nombre), .text("Técnico"), .text("Servicio Técnico"), .int(sucursal),
            email.map(Value.text) ?? .null, whatsapp.map(Value.text) ?? .null, .null, .null, .bool(true),
            .timestamp("2025-06-01 12:00:00"), .timestamp("2025-06-01 12:00:00"), user.map(Value.int) ?? .null,
            .bool(user != nil), .null, .bool(false), .null, .text(rol),
        ]
    }

    private static let componenteColumns = ["id", "nombre", "tipo_equipo", "activo", "fecha_creacion"]

    private static func componente(_ id: Int, _ nombre: String, _ tipo: String, activo: Bool = true) -> [Value] {
        [.int(id), .text(nombre), .text(tipo), .bool(activo), .timestamp("2025-05-01 10:00:00")]
    }

    private static let ordenColumns = [
        "id", "numero_orden_interno", "fecha_ingreso", "fecha_actualizacion", "fecha_finalizacion", "fecha_entrega",
        "sucursal_id", "responsable_seguimiento_id", "tecnico_asignado_actual_id", "estado", "es_reingreso",
        "orden_original_id", "incidencia_scorecard_id", "es_candidato_rhitso", "motivo_rhitso", "descripcion_rhitso",
        "estado_rhitso", "fecha_envio_rhitso", "fecha_recepcion_rhitso", "tecnico_diagnostico_id",
        "fecha_diagnostico_sic", "complejidad_estimada", "requiere_factura", "factura_emitida", "motivo_no_factura",
        "tipo_servicio", "control_calidad_requerido", "año", "mes", "semana",
    ]

    private static func orden(
        _ id: Int, _ numero: String, ingreso: String, estado: String, sucursal: Int, tecnico: Int,
        rhitso: Bool = false, descripcionRhitso: String = ""
    ) -> [Value] {
        let year = Int(ingreso.prefix(4)) ?? 2026
        let month = Int(ingreso.dropFirst(5).prefix(2)) ?? 1
        return [
            .int(id), .text(numero), .timestamp(ingreso), .timestamp(ingreso), .null, .null, .int(sucursal),
            .int(tecnico), .int(tecnico), .text(estado), .bool(false), .null, .null, .bool(rhitso),
            .text(rhitso ? "reballing" : ""), .text(descripcionRhitso), .text(""), .null, .null, .null, .null,
            .text("MEDIA"), .bool(false), .bool(false), .text(""), .text("diagnostico"), .bool(false),
            .int(year), .int(month), .int(2),
        ]
    }

    private static let detalleColumns = [
        "orden_id", "tipo_equipo", "marca", "modelo", "numero_serie", "orden_cliente", "email_cliente", "gama",
        "tiene_cargador", "numero_serie_cargador", "equipo_enciende", "falla_principal", "diagnostico_sic",
        "fecha_inicio_diagnostico", "fecha_fin_diagnostico", "fecha_inicio_reparacion", "fecha_fin_reparacion",
    ]

    private static func detalle(
        _ orden: Int, _ tipo: String, _ marca: String, _ modelo: String, serie: String, ordenCliente: String,
        email: String, cargador: String? = nil, falla: String, diagnostico: String = "",
        inicioDiagnostico: String? = nil
    ) -> [Value] {
        [
            .int(orden), .text(tipo), .text(marca), .text(modelo), .text(serie), .text(ordenCliente), .text(email),
            .text("media"), .bool(cargador != nil), .text(cargador ?? ""), .bool(true), .text(falla),
            .text(diagnostico),
            inicioDiagnostico.map(Value.date) ?? .null, .null, .null, .null,
        ]
    }

    private static let imagenColumns = [
        "id", "orden_id", "tipo", "imagen", "imagen_original", "descripcion", "fecha_subida", "subido_por_id",
    ]

    private static func imagen(
        _ id: Int, _ orden: Int, _ tipo: String, _ carpeta: String, _ fecha: String, por: Int, media: String
    ) -> [Value] {
        [
            .int(id), .int(orden), .text(tipo),
            .text("\(media)/servicio_tecnico/imagenes/\(carpeta)/\(tipo)_\(id).jpg"),
            .null, .text(""), .timestamp(fecha), .int(por),
        ]
    }

    private static let mexico: [Table] = [
        Table(
            name: "auth_user", columns: userColumns,
            rows: [
                user(1, "jperez", "Juan", "Pérez"),
                user(2, "mlopez", "María", "López"),
                user(3, "admin", "Admin", "", superuser: true),
            ]),
        Table(
            name: "inventario_sucursal", columns: sucursalColumns,
            rows: [
                [
                    .int(1), .text("Satélite"), .text("Circuito Economistas 15-A"), .text("Alejandro García"),
                    .text("5535458192"), .bool(true), .timestamp("2025-01-01 00:00:00"), .text("Naucalpan"),
                    .text("cis_mex@example.com"), .text("Estado de México"), .text(""), .text("MX-SAT"),
                ]
            ]),
        Table(
            name: "inventario_empleado", columns: empleadoColumns,
            rows: [
                empleado(10, "Juan Pérez", sucursal: 1, email: "jperez@example.com", whatsapp: "5535458192", user: 1),
                empleado(11, "María López", sucursal: 1, email: nil, whatsapp: nil, user: 2, rol: "recepcionista"),
                empleado(
                    12, "Pedro Ramírez", sucursal: 1, email: "pramirez@example.com", whatsapp: "5511112222", user: nil),
            ]),
        Table(
            name: "scorecard_componenteequipo", columns: componenteColumns,
            rows: [
                componente(1, "Motherboard", "todos"),
                componente(2, "Pantalla", "todos"),
                componente(3, "Batería", "todos"),
                componente(4, "Batería", "laptop"),
                componente(5, "Limpieza y mantenimiento", "todos"),
                componente(6, "Teclado", "aio"),
                componente(7, "Teclado", "pc"),
                componente(8, "RAM", "todos", activo: false),
            ]),
        Table(
            name: "servicio_tecnico_ordenservicio", columns: ordenColumns,
            rows: [
                orden(
                    1, "ORD-2026-0001", ingreso: "2026-01-10 15:30:00", estado: "diagnostico", sucursal: 1, tecnico: 10,
                    rhitso: true, descripcionRhitso: "Equipo no enciende, posible falla en tarjeta madre"),
                orden(
                    2, "ORD-2026-0002", ingreso: "2026-01-11 09:15:42.123456", estado: "espera", sucursal: 1,
                    tecnico: 12),
                orden(3, "ORD-2026-0003", ingreso: "2026-01-12 10:00:00", estado: "", sucursal: 1, tecnico: 10),
                orden(
                    4, "ORD-2026-0004", ingreso: "2026-01-13 11:00:00", estado: "estado_retirado", sucursal: 1,
                    tecnico: 10),
                orden(
                    5, "ORD-2026-0005", ingreso: "2026-01-14 12:00:00", estado: "recepcion", sucursal: 1, tecnico: 10),
                orden(
                    6, "ORD-2026-0006", ingreso: "2026-01-15 13:00:00", estado: "diagnostico_enviado_cliente",
                    sucursal: 1, tecnico: 10),
            ]),
        Table(
            name: "servicio_tecnico_detalleequipo", columns: detalleColumns,
            rows: [
                detalle(
                    1, "Laptop", "HP", "Pavilion 15", serie: "5CD1234XYZ", ordenCliente: "OS-001-2026",
                    email: "cliente.uno@example.com", cargador: "CHG-998877", falla: "No enciende",
                    diagnostico: "Falla en circuito de carga", inicioDiagnostico: "2026-01-11"),
                detalle(
                    2, "PC", "Dell", "OptiPlex 7090", serie: "DL7090-0002", ordenCliente: "",
                    email: "cliente.dos@example.com", falla: "Reinicios aleatorios"),
                detalle(
                    3, "AIO", "Lenovo", "IdeaCentre 3", serie: "LNV-0003", ordenCliente: "OS-003-2026",
                    email: "cliente.tres@example.com", falla: "Pantalla parpadea"),
                detalle(
                    4, "Laptop", "Asus", "VivoBook", serie: "AS-0004", ordenCliente: "OS-004-2026",
                    email: "cliente.cuatro@example.com", falla: "Teclado no responde"),
                detalle(
                    6, "Laptop", "Acer", "Aspire 5", serie: "AC-0006", ordenCliente: "OS-006-2026",
                    email: "cliente.seis@example.com", falla: "Batería no carga"),
            ]),
        Table(
            name: "servicio_tecnico_cotizacion",
            columns: [
                "orden_id", "fecha_envio", "fecha_respuesta", "usuario_acepto", "motivo_rechazo", "detalle_rechazo",
                "costo_mano_obra", "descontar_mano_obra",
            ],
            rows: [
                [
                    .int(2), .timestamp("2026-01-12 08:00:00"), .null, .null, .text(""), .text(""), .decimal("150.50"),
                    .bool(false),
                ]
            ]),
        Table(
            name: "servicio_tecnico_piezacotizada",
            columns: [
                "id", "cotizacion_id", "componente_id", "descripcion_adicional", "sugerida_por_tecnico", "es_necesaria",
                "cantidad", "costo_unitario", "proveedor", "aceptada_por_cliente", "motivo_rechazo_pieza",
                "orden_prioridad", "fecha_creacion", "fecha_actualizacion",
            ],
            rows: [
                [
                    .int(1), .int(2), .int(1), .text("DPN-MB-01"), .bool(true), .bool(true), .int(1), .decimal("0.00"),
                    .text(""), .null, .text(""), .int(1), .timestamp("2026-01-12 08:00:00"),
                    .timestamp("2026-01-12 08:00:00"),
                ]
            ]),
        Table(
            name: "servicio_tecnico_imagenorden", columns: imagenColumns,
            rows: [
                imagen(1, 1, "ingreso", "OS-001-2026", "2026-01-10 16:00:00", por: 11, media: "mexico"),
                imagen(2, 1, "ingreso", "OS-001-2026", "2026-01-10 16:00:00", por: 11, media: "mexico"),
                imagen(3, 1, "ingreso", "OS-001-2026", "2026-01-10 15:45:00.250000", por: 11, media: "mexico"),
                imagen(4, 1, "diagnostico", "OS-001-2026", "2026-01-11 10:00:00", por: 10, media: "mexico"),
                imagen(5, 1, "diagnostico", "OS-001-2026", "2026-01-11 09:00:00", por: 10, media: "mexico"),
                imagen(6, 1, "autorizacion", "OS-001-2026", "2026-01-11 11:00:00", por: 10, media: "mexico"),
                imagen(7, 1, "autorizacion", "OS-001-2026", "2026-01-12 11:00:00", por: 10, media: "mexico"),
                imagen(8, 1, "reparacion", "OS-001-2026", "2026-01-13 11:00:00", por: 10, media: "mexico"),
                imagen(9, 1, "egreso", "OS-001-2026", "2026-01-14 11:00:00", por: 10, media: "mexico"),
                imagen(10, 2, "ingreso", "ORD-2026-0002", "2026-01-11 09:30:00", por: 11, media: "mexico"),
                imagen(11, 2, "diagnostico", "ORD-2026-0002", "2026-01-12 09:30:00", por: 12, media: "mexico"),
            ]),
        Table(
            name: "servicio_tecnico_historialorden",
            columns: [
                "id", "orden_id", "fecha_evento", "tipo_evento", "estado_anterior", "estado_nuevo",
                "tecnico_anterior_id",
                "tecnico_nuevo_id", "comentario", "usuario_id", "es_sistema",
            ],
            rows: [
                [
                    .int(1), .int(1), .timestamp("2026-01-10 15:30:00"), .text("creacion"), .text(""), .text(""), .null,
                    .null, .text("Orden creada"), .int(11), .bool(false),
                ]
            ]),
    ]

    private static let argentina: [Table] = [
        Table(
            name: "auth_user", columns: userColumns,
            rows: [
                user(1, "lfernandez", "Lucía", "Fernández"),
                user(4, "sinempleado", "Sin", "Empleado"),
            ]),
        Table(
            name: "inventario_sucursal", columns: sucursalColumns,
            rows: [
                [
                    .int(1), .text("Buenos Aires Centro"), .text("Av. Corrientes 1234"), .text("Lucía Fernández"),
                    .text("1155550000"), .bool(true), .timestamp("2025-02-01 00:00:00"), .text("Buenos Aires"),
                    .text("cis_ar@example.com"), .text("CABA"), .text(""), .text("AR-BA"),
                ]
            ]),
        Table(
            name: "inventario_empleado", columns: empleadoColumns,
            rows: [
                empleado(
                    20, "Lucía Fernández", sucursal: 1, email: "lfernandez@example.com", whatsapp: "1155550000", user: 1
                ),
                empleado(21, "Martín Gómez", sucursal: 1, email: "mgomez@example.com", whatsapp: nil, user: nil),
            ]),
        Table(
            name: "scorecard_componenteequipo", columns: componenteColumns,
            rows: [
                componente(1, "Motherboard", "todos"),
                componente(2, "Pantalla", "laptop"),
                componente(3, "Pantalla", "todos"),
                componente(4, "Batería", "todos"),
            ]),
        Table(
            name: "servicio_tecnico_ordenservicio", columns: ordenColumns,
            rows: [
                orden(
                    1, "ORD-2026-0101", ingreso: "2026-02-01 14:00:00", estado: "recepcion", sucursal: 1, tecnico: 21),
                orden(
                    2, "ORD-2026-0102", ingreso: "2026-02-02 14:00:00", estado: "diagnostico", sucursal: 1, tecnico: 21),
                orden(
                    7, "ORD-2026-0107", ingreso: "2026-02-07 14:00:00", estado: "diagnostico", sucursal: 1, tecnico: 20),
            ]),
        Table(
            name: "servicio_tecnico_detalleequipo", columns: detalleColumns,
            rows: [
                detalle(
                    1, "AIO", "Lenovo", "ThinkCentre M70a", serie: "AR-LNV-0001", ordenCliente: "AR-OS-0001",
                    email: "cliente.ar1@example.com", falla: "No da video"),
                detalle(
                    2, "Laptop", "Dell", "Latitude 5420", serie: "AR-DL-0002", ordenCliente: "",
                    email: "cliente.ar2@example.com", cargador: "AR-CHG-02", falla: "Pantalla rota"),
                detalle(
                    7, "Laptop", "HP", "EliteBook 840", serie: "AR-HP-0007", ordenCliente: "AR-OS-0007",
                    email: "cliente.ar7@example.com", falla: "Se apaga solo"),
            ]),
        Table(
            name: "servicio_tecnico_imagenorden", columns: imagenColumns,
            rows: [
                imagen(1, 1, "ingreso", "AR-OS-0001", "2026-02-01 14:10:00", por: 21, media: "argentina"),
                imagen(2, 1, "diagnostico", "AR-OS-0001", "2026-02-02 10:00:00", por: 21, media: "argentina"),
                imagen(3, 1, "autorizacion", "AR-OS-0001", "2026-02-02 11:00:00", por: 21, media: "argentina"),
                imagen(4, 2, "ingreso", "ORD-2026-0102", "2026-02-02 14:10:00", por: 20, media: "argentina"),
                imagen(5, 7, "diagnostico", "AR-OS-0007", "2026-02-07 15:00:00", por: 20, media: "argentina"),
            ]),
    ]
}
