import Foundation
import Logging
import SQLKit
import Testing

@testable import SigmaDatabase

/// Every database behaviour, written once; `SQLiteBehaviourTests` and
/// `PostgreSQLBehaviourTests` run each of them against their engine.
enum Behaviours {
    struct Rollback: Error {}

    static func seedDiffersPerCountry(_ backend: TestBackend) async throws {
        try await TestDatabases.with(backend) { router in
            let mx = try await router.database(dbAlias: "default").withSession { try await $0.orden(id: 1) }
            let mx2 = try await router.database(dbAlias: "mexico").withSession { try await $0.orden(id: 1) }
            let ar = try await router.database(dbAlias: "argentina").withSession { try await $0.orden(id: 1) }
            #expect(mx?.numeroOrdenInterno == "ORD-2026-0001")
            #expect(mx2 == mx)
            #expect(ar?.numeroOrdenInterno == "ORD-2026-0101")
            let mx7 = try await router.mexico.withSession { try await $0.orden(id: 7) }
            let ar7 = try await router.argentina.withSession { try await $0.orden(id: 7) }
            #expect(mx7 == nil)
            #expect(ar7?.numeroOrdenInterno == "ORD-2026-0107")
        }
    }

    static func readsOrderWithDetail(_ backend: TestBackend) async throws {
        try await TestDatabases.with(backend) { router in
            let one = try #require(try await router.mexico.withSession { try await $0.ordenConDetalle(id: 1) })
            #expect(one.orden.id == 1)
            #expect(one.orden.estado == "diagnostico")
            #expect(one.orden.fechaIngreso == ts("2026-01-10 15:30:00"))
            #expect(one.orden.esCandidatoRhitso)
            #expect(one.orden.descripcionRhitso == "Equipo no enciende, posible falla en tarjeta madre")
            #expect(one.orden.anio == 2026 && one.orden.mes == 1)
            #expect(one.orden.fechaFinalizacion == nil)
            #expect(one.detalle.tipoEquipo == "Laptop")
            #expect(one.detalle.emailCliente == "cliente.uno@example.com")
            #expect(one.detalle.tieneCargador && one.detalle.numeroSerieCargador == "CHG-998877")
            #expect(one.detalle.fechaInicioDiagnostico == "2026-01-11")
            #expect(one.detalle.fechaFinDiagnostico == nil)
            #expect(one.numeroVisible == "OS-001-2026")

            let two = try #require(try await router.mexico.withSession { try await $0.ordenConDetalle(id: 2) })
            #expect(two.orden.fechaIngreso == ts("2026-01-11 09:15:42.123456"))
            #expect(two.numeroVisible == "ORD-2026-0002")
            #expect(two.detalle.tipoEquipoLabel == "PC")
            #expect(!two.detalle.tieneCargador)

            let ar = try #require(try await router.argentina.withSession { try await $0.ordenConDetalle(id: 1) })
            #expect(ar.detalle.tipoEquipoLabel == "AIO (All-in-One)")
            #expect(ar.numeroVisible == "AR-OS-0001")
        }
    }

    static func missingOrderAndMissingDetail(_ backend: TestBackend) async throws {
        try await TestDatabases.with(backend) { router in
            do {
                let actual = try await router.mexico.withSession { try await $0.ordenConDetalle(id: 99) };
                #expect(actual == nil)
            }
            do {
                let actual = try await router.argentina.withSession { try await $0.ordenConDetalle(id: 3) };
                #expect(actual == nil)
            }
            let error = await #expect(throws: SigmaDatabaseError.self) {
                _ = try await router.mexico.withSession { try await $0.ordenConDetalle(id: 5) }
            }
            #expect(error?.code == .orderDetailMissing)
            #expect(error?.alias == "mexico")
            #expect(error?.isRetryable == true)
            // The order itself still reads.
            do {
                let actual = try await router.mexico.withSession { try await $0.orden(id: 5) }?.estado;
                #expect(actual == "recepcion")
            }
        }
    }

    static func imagesByOrderAndType(_ backend: TestBackend) async throws {
        try await TestDatabases.with(backend) { router in
            try await router.mexico.withSession { session in
                let ingreso = try await session.imagenes(ordenId: 1, tipo: "ingreso")
                #expect(ingreso.map(\.id) == [3, 1, 2])
                #expect(ingreso.first?.fechaSubida == ts("2026-01-10 15:45:00.25"))
                #expect(ingreso.first?.imagen == "mexico/servicio_tecnico/imagenes/OS-001-2026/ingreso_3.jpg")
                #expect(ingreso.first?.imagenOriginal == nil)
                #expect(ingreso.first?.subidoPorId == 11)
                do {
                    let actual = try await session.imagenes(ordenId: 1, tipo: "autorizacion").map(\.id);
                    #expect(actual == [6, 7])
                }
                do {
                    let actual = try await session.imagenes(ordenId: 1, tipo: "diagnostico").map(\.id);
                    #expect(actual == [5, 4])
                }
                do {
                    let actual = try await session.imagenes(ordenId: 1, tipo: "reparacion").map(\.id);
                    #expect(actual == [8])
                }
                do {
                    let actual = try await session.imagenes(ordenId: 1, tipo: "egreso").map(\.id);
                    #expect(actual == [9])
                }
                do { let actual = try await session.imagenes(ordenId: 3, tipo: "ingreso").isEmpty; #expect(actual) }
            }
            let ar = try await router.argentina.withSession { try await $0.imagenes(ordenId: 1, tipo: "ingreso") }
            #expect(ar.map(\.id) == [1])
            #expect(ar.first?.imagen.hasPrefix("argentina/") == true)
        }
    }

    static func imagesByIds(_ backend: TestBackend) async throws {
        try await TestDatabases.with(backend) { router in
            try await router.mexico.withSession { session in
                // 1 is ingreso, 11 belongs to order 2, 999 does not exist.
                let picked = try await session.imagenes(ids: [4, 1, 5, 11, 999, 4], ordenId: 1, tipo: "diagnostico")
                #expect(picked.map(\.id) == [5, 4])
                do {
                    let actual = try await session.imagenes(ids: [], ordenId: 1, tipo: "diagnostico").isEmpty;
                    #expect(actual)
                }
                do {
                    let actual = try await session.imagenes(ids: [1, 2, 3], ordenId: 1, tipo: "ingreso").map(\.id);
                    #expect(actual == [3, 1, 2])
                }
            }
            let ar = try await router.argentina.withSession {
                try await $0.imagenes(ids: [2, 5, 4], ordenId: 1, tipo: "diagnostico")
            }
            #expect(ar.map(\.id) == [2])
        }
    }

    static func actingEmployee(_ backend: TestBackend) async throws {
        try await TestDatabases.with(backend) { router in
            try await router.mexico.withSession { session in
                let juan = try #require(try await session.empleado(userId: 1))
                #expect(juan.empleadoId == 10)
                #expect(juan.nombreCompleto == "Juan Pérez")
                #expect(juan.email == "jperez@example.com")
                #expect(juan.whatsappNumber(for: .mexico) == "525535458192")
                let maria = try #require(try await session.empleado(userId: 2))
                #expect(maria.empleadoId == 11 && maria.email == nil && maria.numeroWhatsapp == nil)
                #expect(maria.whatsappNumber(for: .mexico) == "")
                // A user without an employee.
                do { let actual = try await session.empleado(userId: 3); #expect(actual == nil) }
                do { let actual = try await session.empleado(userId: 99); #expect(actual == nil) }  // no such user
                do { let actual = try await session.empleado(userId: nil); #expect(actual == nil) }
            }
            try await router.argentina.withSession { session in
                let lucia = try #require(try await session.empleado(userId: 1))
                #expect(lucia.empleadoId == 20)
                #expect(lucia.whatsappNumber(for: .argentina) == "541155550000")
                do { let actual = try await session.empleado(userId: 4); #expect(actual == nil) }
            }
        }
    }

    static func quotationGetOrCreate(_ backend: TestBackend) async throws {
        try await TestDatabases.with(backend) { router in
            let now = DjangoTimestamp.now()
            try await router.mexico.withSession { session in
                do { let actual = try await session.cotizacion(ordenId: 1); #expect(actual == nil) }
                let (created, wasCreated) = try await session.obtenerOCrearCotizacion(ordenId: 1, now: now)
                #expect(wasCreated)
                #expect(created.fechaEnvio == now)
                #expect(created.fechaRespuesta == nil && created.usuarioAcepto == nil)
                #expect(created.motivoRechazo == "" && created.detalleRechazo == "")
                #expect(created.costoManoObra == (backend == .sqlite ? "0" : "0.00"))
                #expect(!created.descontarManoObra)
                let (again, createdAgain) = try await session.obtenerOCrearCotizacion(
                    ordenId: 1, now: now.addingTimeInterval(60)
                )
                #expect(!createdAgain)
                #expect(again == created)
                let (existing, createdExisting) = try await session.obtenerOCrearCotizacion(ordenId: 2, now: now)
                #expect(!createdExisting)
                #expect(existing.fechaEnvio == ts("2026-01-12 08:00:00"))
                #expect(existing.costoManoObra == (backend == .sqlite ? "150.5" : "150.50"))
            }
            do {
                let actual = try await router.argentina.withSession { try await $0.cotizacion(ordenId: 1) };
                #expect(actual == nil)
            }
        }
    }

    static func duplicateComponentRule(_ backend: TestBackend) async throws {
        try await TestDatabases.with(backend) { router in
            try await router.mexico.withSession { session in
                do {
                    let actual = try await session.componentes(nombre: "Batería").map(\.id); #expect(actual == [3, 4])
                }
                do {
                    let actual = try await session.componente(nombre: "Batería", tipoEquipo: "Laptop")?.id;
                    #expect(actual == 4)
                }
                do {
                    let actual = try await session.componente(nombre: "Batería", tipoEquipo: "PC")?.id;
                    #expect(actual == 3)
                }
                do {
                    let actual = try await session.componente(nombre: "Batería", tipoEquipo: "")?.id;
                    #expect(actual == 3)
                }
                do {
                    let actual = try await session.componente(nombre: "Teclado", tipoEquipo: "PC")?.id;
                    #expect(actual == 7)
                }
                do {
                    let actual = try await session.componente(nombre: "Teclado", tipoEquipo: "Laptop")?.id;
                    #expect(actual == 6)
                }
                do {
                    let actual = try await session.componente(nombre: "RAM", tipoEquipo: "Laptop")?.activo;
                    #expect(actual == false)
                }
                do {
                    let actual = try await session.componente(nombre: "bateria", tipoEquipo: "Laptop");
                    #expect(actual == nil)
                }
                do {
                    let actual = try await session.componente(nombre: "Cámara IR Especial", tipoEquipo: "Laptop");
                    #expect(actual == nil)
                }
            }
            try await router.argentina.withSession { session in
                do {
                    let actual = try await session.componente(nombre: "Pantalla", tipoEquipo: "Laptop")?.id;
                    #expect(actual == 2)
                }
                do {
                    let actual = try await session.componente(nombre: "Pantalla", tipoEquipo: "AIO")?.id;
                    #expect(actual == 3)
                }
            }
        }
    }

    static func precreatePieces(_ backend: TestBackend) async throws {
        try await TestDatabases.with(backend) { router in
            let now = DjangoTimestamp.now()
            let entries = [
                ComponenteSeleccion(
                    componenteDB: "Motherboard", dpn: " DPN-MB-77 ", seleccionado: true, esNecesaria: true),
                ComponenteSeleccion(componenteDB: "Pantalla", dpn: "X", seleccionado: false),
                ComponenteSeleccion(componenteDB: "Batería", dpn: "", seleccionado: true, esNecesaria: false),
                ComponenteSeleccion(componenteDB: "Limpieza y mantenimiento", seleccionado: true),
                ComponenteSeleccion(componenteDB: "Cámara IR Especial", seleccionado: true),
                ComponenteSeleccion(componenteDB: "", seleccionado: true),
            ]
            let first = try await router.mexico.transaction {
                try await $0.precrearPiezas(ordenId: 1, componentes: entries, tipoEquipo: "Laptop", now: now)
            }
            #expect(first.cotizacionCreada)
            #expect(first.nombres == ["Motherboard", "Batería", "Limpieza y mantenimiento"])
            let pieces = try await router.mexico.withSession { try await $0.piezasCotizadas(cotizacionId: 1) }
            #expect(pieces.map(\.componenteId) == [1, 4, 5])
            #expect(pieces.map(\.ordenPrioridad) == [1, 2, 3])
            #expect(pieces.map(\.id) == first.piezaIds)
            #expect(pieces.map(\.esNecesaria) == [true, false, true])
            #expect(pieces[0].descripcionAdicional == " DPN-MB-77 ")
            #expect(
                pieces.allSatisfy {
                    $0.cantidad == 1 && $0.sugeridaPorTecnico && $0.aceptadaPorCliente == nil && $0.proveedor == ""
                        && $0.motivoRechazoPieza == "" && $0.fechaCreacion == now && $0.fechaActualizacion == now
                        && $0.costoUnitario == (backend == .sqlite ? "0" : "0.00")
                })
            // A retry finds the pieces and creates nothing.
            let retry = try await router.mexico.transaction {
                try await $0.precrearPiezas(ordenId: 1, componentes: entries, tipoEquipo: "Laptop", now: now)
            }
            #expect(!retry.cotizacionCreada && retry.count == 0)
            // Order 2 already has a Motherboard piece: only Pantalla is created, with priority 1.
            let second = try await router.mexico.transaction {
                try await $0.precrearPiezas(
                    ordenId: 2,
                    componentes: [
                        ComponenteSeleccion(componenteDB: "Motherboard", seleccionado: true),
                        ComponenteSeleccion(componenteDB: "Pantalla", dpn: "LCD", seleccionado: true),
                    ],
                    tipoEquipo: "PC", now: now
                )
            }
            #expect(!second.cotizacionCreada && second.nombres == ["Pantalla"])
            let orderTwo = try await router.mexico.withSession { try await $0.piezasCotizadas(cotizacionId: 2) }
            #expect(orderTwo.map(\.ordenPrioridad) == [1, 1])
            #expect(orderTwo.map(\.componenteId) == [1, 2])
            do {
                let actual = try await router.argentina.withSession { try await $0.piezasCotizadas(cotizacionId: 1) }
                    .isEmpty;
                #expect(actual)
            }
        }
    }

    static func stateChangeHistory(_ backend: TestBackend) async throws {
        try await TestDatabases.with(backend) { router in
            let now = DjangoTimestamp.now()
            let target = EstadoOrden.diagnosticoEnviadoCliente
            try await router.mexico.transaction { session in
                do {
                    let actual = try await session.cambiarEstado(ordenId: 1, a: target, now: now);
                    #expect(actual == "diagnostico")
                }
                do {
                    let actual = try await session.cambiarEstado(ordenId: 3, a: target, now: now); #expect(actual == "")
                }
                do {
                    let actual = try await session.cambiarEstado(ordenId: 4, a: target, now: now);
                    #expect(actual == "estado_retirado")
                }
                do {
                    let actual = try await session.cambiarEstado(ordenId: 6, a: target, now: now);
                    #expect(actual == target)
                }
            }
            try await router.mexico.withSession { session in
                let one = try #require(try await session.orden(id: 1))
                #expect(one.estado == target)
                #expect(one.fechaActualizacion == ts("2026-01-10 15:30:00"))  // not touched
                let history = try await session.historial(ordenId: 1)
                let change = try #require(history.first { $0.tipoEvento == "cambio_estado" })
                #expect(change.comentario == "Estado cambiado de 'En Diagnóstico' a 'Diagnóstico Enviado al Cliente'")
                #expect(change.estadoAnterior == "diagnostico" && change.estadoNuevo == target)
                #expect(change.esSistema && change.usuarioId == nil)
                #expect(change.tecnicoAnteriorId == nil && change.tecnicoNuevoId == nil)
                #expect(change.fechaEvento == now)
                // An empty previous state.
                do { let actual = try await session.historial(ordenId: 3).isEmpty; #expect(actual) }
                do { let actual = try await session.orden(id: 3)?.estado; #expect(actual == target) }
                do { let actual = try await session.historial(ordenId: 6).isEmpty; #expect(actual) }  // same state
                let unknown = try await session.historial(ordenId: 4)
                #expect(unknown.map(\.comentario) == ["Estado cambiado de 'None' a 'Diagnóstico Enviado al Cliente'"])
                // Argentina untouched.
            }
            do {
                let actual = try await router.argentina.withSession { try await $0.orden(id: 1) }?.estado;
                #expect(actual == "recepcion")
            }
            try await router.argentina.withSession { session in
                do {
                    let actual = try await session.cambiarEstado(ordenId: 2, a: target, now: now);
                    #expect(actual == "diagnostico")
                }
                do { let actual = try await session.historial(ordenId: 2).count; #expect(actual == 1) }
            }
            do {
                let actual = try await router.mexico.withSession { try await $0.orden(id: 2) }?.estado;
                #expect(actual == "espera")
            }
            let error = await #expect(throws: SigmaDatabaseError.self) {
                try await router.mexico.withSession { try await $0.cambiarEstado(ordenId: 99, a: target) }
            }
            #expect(error?.code == .orderNotUpdated)
        }
    }

    static func registrarHistorial(_ backend: TestBackend) async throws {
        try await TestDatabases.with(backend) { router in
            let now = DjangoTimestamp.now()
            let comment = "📧 Diagnóstico enviado al cliente (background) (cliente.uno@example.com)\n📋 Folio: F-1"
            let id = try await router.mexico.withSession {
                try await $0.registrarHistorial(
                    ordenId: 1, tipoEvento: "email", comentario: comment, empleadoId: 10, now: now)
            }
            let sistema = try await router.mexico.withSession {
                try await $0.registrarHistorial(
                    ordenId: 1, tipoEvento: "sistema", empleadoId: nil, now: ts("2026-03-01 10:00:00"))
            }
            try await router.mexico.withSession { session in
                let rows = try await session.historial(ordenId: 1)
                let row = try #require(rows.first { $0.id == id })
                #expect(row.tipoEvento == "email" && row.comentario == comment)
                #expect(row.usuarioId == 10 && !row.esSistema)
                #expect(row.estadoAnterior == "" && row.estadoNuevo == "")
                #expect(row.fechaEvento == now)
                let plain = try #require(rows.first { $0.id == sistema })
                #expect(plain.comentario == "" && plain.usuarioId == nil)
                if backend == .sqlite {
                    // Stored exactly as Django writes SQLite datetimes.
                    let stored = try await session.rows(
                        "SELECT fecha_evento FROM servicio_tecnico_historialorden WHERE id IN (\(binds: [id, sistema])) ORDER BY id"
                    ).map { try $0.string("fecha_evento") }
                    #expect(stored == [DjangoTimestamp.sqliteText(now), "2026-03-01 10:00:00"])
                    let flags = try await session.rows(
                        "SELECT es_sistema FROM servicio_tecnico_historialorden WHERE id = \(bind: id)"
                    ).map { try $0.int("es_sistema") }
                    #expect(flags == [0])
                }
            }
            do {
                let actual = try await router.argentina.withSession { try await $0.historial(ordenId: 1) }.isEmpty;
                #expect(actual)
            }
        }
    }

    static func transactionRollsBackOnError(_ backend: TestBackend) async throws {
        try await TestDatabases.with(backend) { router in
            await #expect(throws: Rollback.self) {
                try await router.mexico.transaction { session in
                    _ = try await session.precrearPiezas(
                        ordenId: 1, componentes: [ComponenteSeleccion(componenteDB: "Motherboard", seleccionado: true)],
                        tipoEquipo: "Laptop"
                    )
                    try await session.cambiarEstado(ordenId: 1, a: EstadoOrden.diagnosticoEnviadoCliente)
                    try await session.registrarHistorial(
                        ordenId: 1, tipoEvento: "email", comentario: "x", empleadoId: 10)
                    throw Rollback()
                }
            }
            try await router.mexico.withSession { session in
                do { let actual = try await session.cotizacion(ordenId: 1); #expect(actual == nil) }
                do { let actual = try await session.piezasCotizadas(cotizacionId: 1).isEmpty; #expect(actual) }
                do { let actual = try await session.orden(id: 1)?.estado; #expect(actual == "diagnostico") }
                do { let actual = try await session.historial(ordenId: 1).map(\.id); #expect(actual == [1]) }
            }
            // A statement failing halfway (deferred foreign key, detected at COMMIT) also leaves nothing.
            let error = await #expect(throws: SigmaDatabaseError.self) {
                try await router.mexico.transaction { session in
                    try await session.registrarHistorial(
                        ordenId: 1, tipoEvento: "sistema", comentario: "ok", empleadoId: nil)
                    try await session.registrarHistorial(
                        ordenId: 1, tipoEvento: "sistema", comentario: "bad", empleadoId: 999)
                }
            }
            #expect(error?.code == .queryFailed)
            do {
                let actual = try await router.mexico.withSession { try await $0.historial(ordenId: 1) }.map(\.id);
                #expect(actual == [1])
            }
            // The pool still works after the failed transactions.
            let committed = try await router.mexico.transaction { session in
                try await session.registrarHistorial(
                    ordenId: 1, tipoEvento: "sistema", comentario: "ok", empleadoId: nil)
            }
            do {
                let actual = try await router.mexico.withSession { try await $0.historial(ordenId: 1) }.map(\.id);
                #expect(actual.contains(committed))
            }
        }
    }

    static func unreachableDatabase(_ backend: TestBackend) async throws {
        let capture = LogCapture()
        let secret = "s3cret-Pa55-\(UUID().uuidString.prefix(6))"
        let configuration: DatabaseConfiguration =
            switch backend {
            case .sqlite:
                DatabaseConfiguration(
                    engine: .sqlite, baseDirectory: "/nonexistent-sigma-dir/sub", connectTimeout: .seconds(3))
            case .postgresql:
                DatabaseConfiguration(
                    engine: .postgresql, mexicoName: "inventario_mexico", argentinaName: "inventario_argentina",
                    user: "sigma", password: secret, host: "127.0.0.1", port: 1, connectTimeout: .seconds(3)
                )
            }
        let router = DatabaseRouter(configuration: configuration, logger: capture.logger())
        let error = await #expect(throws: SigmaDatabaseError.self) {
            _ = try await router.argentina.withSession { try await $0.orden(id: 1) }
        }
        await router.shutdown()
        let text = try #require(error).description
        #expect(error?.code == .connectionFailed || error?.code == .timeout)
        #expect(error?.isRetryable == true)
        #expect(text.contains("argentina"))
        #expect(text.contains(backend == .sqlite ? "/nonexistent-sigma-dir/sub/db_argentina.sqlite3" : "127.0.0.1:1"))
        #expect(!text.contains(secret))
        #expect(!capture.all.isEmpty)
        #expect(capture.all.allSatisfy { !$0.contains(secret) })
        #expect(!"\(configuration)".contains(secret))
    }

    static func wrongPassword() async throws {
        let capture = LogCapture()
        let secret = "wrong-\(UUID().uuidString.prefix(8))"
        let configuration = DatabaseConfiguration(
            engine: .postgresql, mexicoName: "postgres", argentinaName: "postgres", user: TestBackend.pgUser,
            password: secret, host: TestBackend.pgHost, port: TestBackend.pgPort, connectTimeout: .seconds(5)
        )
        let router = DatabaseRouter(configuration: configuration, logger: capture.logger())
        let error = await #expect(throws: SigmaDatabaseError.self) {
            _ = try await router.mexico.withSession { try await $0.orden(id: 1) }
        }
        await router.shutdown()
        let text = try #require(error).description
        #expect(error?.code == .authenticationFailed)
        #expect(text.contains("mexico") && text.contains("\(TestBackend.pgHost):\(TestBackend.pgPort)"))
        #expect(text.contains("password authentication failed"))
        #expect(!text.contains(secret))
        #expect(!capture.all.isEmpty)
        #expect(capture.all.allSatisfy { !$0.contains(secret) })
    }

    static func statementTimeout() async throws {
        var configuration = TestDatabases.configuration(.postgresql, token: "unused")
        configuration.mexicoName = "postgres"
        configuration.queryTimeout = .seconds(1)
        let router = DatabaseRouter(configuration: configuration, logger: Logger(label: "sigma.test"))
        let error = await #expect(throws: SigmaDatabaseError.self) {
            try await router.mexico.withSession { try await $0.execute("SELECT pg_sleep(10)") }
        }
        #expect(error?.code == .timeout)
        // The pool recovers.
        let rows = try await router.mexico.withSession { try await $0.rows("SELECT 1 AS one") }
        #expect(try rows.first?.int("one") == 1)
        await router.shutdown()
    }
}
