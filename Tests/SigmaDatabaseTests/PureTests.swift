import Foundation
import Testing

@testable import SigmaDatabase

@Suite("Configuration and values (no database)")
struct PureTests {
    @Test func postgresDefaults() throws {
        let configuration = try DatabaseConfiguration(environment: [:])
        #expect(configuration.engine == .postgresql)
        #expect(configuration.mexicoName == "inventario_mexico")
        #expect(configuration.argentinaName == "inventario_argentina")
        #expect(configuration.user == "django_user" && configuration.password == "")
        #expect(configuration.host == "localhost" && configuration.port == 5432)
        #expect(configuration.connectTimeout == .seconds(10))
        #expect(configuration.location(for: .argentina) == "localhost:5432/inventario_argentina")
    }

    @Test func sqliteFromEnvironment() throws {
        let configuration = try DatabaseConfiguration(environment: [
            "DB_ENGINE": "django.db.backends.sqlite3", "SIGMA_BASE_DIR": "/srv/sigma",
            "DB_NAME_AR": "/data/ar.sqlite3", "DB_PASSWORD": "x",
        ])
        #expect(configuration.engine == .sqlite)
        #expect(configuration.sqlitePath(for: .mexico) == "/srv/sigma/db.sqlite3")
        #expect(configuration.sqlitePath(for: .argentina) == "/data/ar.sqlite3")
        #expect(DatabaseConfiguration.joinPath("/srv/sigma/", "sub/x.db") == "/srv/sigma/sub/x.db")
    }

    @Test func postgresFromEnvironment() throws {
        let configuration = try DatabaseConfiguration(environment: [
            "DB_ENGINE": "django.db.backends.postgresql", "DB_NAME": "mx", "DB_NAME_AR": "ar", "DB_USER": "u",
            "DB_PASSWORD": "hunter2", "DB_HOST": "db.internal", "DB_PORT": "6543", "SIGMA_DB_QUERY_TIMEOUT": "7",
        ])
        #expect(configuration.mexicoName == "mx" && configuration.argentinaName == "ar")
        #expect(configuration.host == "db.internal" && configuration.port == 6543)
        #expect(configuration.queryTimeout == .seconds(7))
        #expect(!configuration.description.contains("hunter2"))
        #expect(!String(reflecting: configuration).contains("hunter2"))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(try DatabaseConfiguration(environment: ["DB_PORT": ""]).port == 5432)
        let error = #expect(throws: SigmaDatabaseError.self) {
            _ = try DatabaseConfiguration(environment: ["DB_PORT": "fivefour"])
        }
        #expect(error?.code == .invalidConfiguration && error?.isRetryable == false)
    }

    @Test func aliasRouting() throws {
        #expect(try DatabaseAlias(dbAlias: nil) == .mexico)
        #expect(try DatabaseAlias(dbAlias: "default") == .mexico)
        #expect(try DatabaseAlias(dbAlias: "mexico") == .mexico)
        #expect(try DatabaseAlias(dbAlias: "argentina") == .argentina)
        for bad in ["chile", "Mexico", ""] {
            let error = #expect(throws: SigmaDatabaseError.self) { _ = try DatabaseAlias(dbAlias: bad) }
            #expect(error?.code == .unknownAlias)
            #expect(error?.isRetryable == false)
            #expect(error?.description.contains("'\(bad)'") == true)
        }
    }

    @Test func countries() throws {
        #expect(Country.mexico.codigoTelefonico == "52" && Country.mexico.timezone == "America/Mexico_City")
        #expect(Country.mexico.empresaNombreCorto == "SIC México" && Country.mexico.mediaSubdir == "mexico")
        #expect(Country.argentina.codigo == "AR" && Country.argentina.nombre == "Argentina")
        #expect(Country.argentina.empresaNombre == "SIC Argentina (Pendiente Razón Social)")
        #expect(try Country.forDBAlias("default") == .mexico)
        #expect(
            try Country.forDBAlias("argentina", environment: ["EMPRESA_NOMBRE_AR": "SIC AR SA"]).empresaNombre
                == "SIC AR SA")
        #expect(DatabaseAlias.argentina.country.dbAlias == .argentina)
    }

    @Test func sqliteTimestampText() throws {
        let whole = try #require(DjangoTimestamp.parseSQLite("2026-01-10 15:30:00"))
        #expect(DjangoTimestamp.sqliteText(whole) == "2026-01-10 15:30:00")
        let fraction = try #require(DjangoTimestamp.parseSQLite("2026-01-11 09:15:42.123456"))
        #expect(DjangoTimestamp.sqliteText(fraction) == "2026-01-11 09:15:42.123456")
        #expect(
            DjangoTimestamp.sqliteText(try #require(DjangoTimestamp.parseSQLite("2024-02-29 23:59:59.5")))
                == "2024-02-29 23:59:59.500000")
        #expect(DjangoTimestamp.sqliteText(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00:00")
        #expect(DjangoTimestamp.parseSQLite("2026-01-10T15:30:00+01:00") == whole.addingTimeInterval(-3600))
        #expect(DjangoTimestamp.parseSQLite("2026-01-10 15:30:00Z") == whole)
        #expect(DjangoTimestamp.parseSQLite("not a date") == nil)
        #expect(DjangoTimestamp.parseSQLite("2026-13-10 15:30:00") == nil)
        let now = DjangoTimestamp.now()
        #expect(DjangoTimestamp.parseSQLite(DjangoTimestamp.sqliteText(now)) == now)
    }

    @Test func stateLabels() {
        #expect(EstadoOrden.labels.count == 22)
        #expect(EstadoOrden.label("diagnostico") == "En Diagnóstico")
        #expect(EstadoOrden.label("doa_pieza_danada") == "DOA - Pieza Dañada")
        #expect(EstadoOrden.label("nope") == "None")
        #expect(
            EstadoOrden.cambioEstadoComentario(from: "espera", to: EstadoOrden.diagnosticoEnviadoCliente)
                == "Estado cambiado de 'En Espera' a 'Diagnóstico Enviado al Cliente'")
    }

    @Test func componentPick() {
        let date = Date(timeIntervalSince1970: 0)
        let rows = [
            ComponenteEquipo(id: 9, nombre: "X", tipoEquipo: "pc", fechaCreacion: date),
            ComponenteEquipo(id: 4, nombre: "X", tipoEquipo: "aio", fechaCreacion: date),
            ComponenteEquipo(id: 7, nombre: "X", tipoEquipo: "todos", fechaCreacion: date),
        ]
        #expect(ComponenteEquipo.pick(from: rows, equipmentType: "PC")?.id == 9)
        #expect(ComponenteEquipo.pick(from: rows, equipmentType: "AIO")?.id == 4)
        #expect(ComponenteEquipo.pick(from: rows, equipmentType: "Laptop")?.id == 7)
        #expect(ComponenteEquipo.pick(from: Array(rows.prefix(2)), equipmentType: "Laptop")?.id == 4)
        #expect(ComponenteEquipo.pick(from: [], equipmentType: "PC") == nil)
    }

    @Test func ddlCoversTablesOnBothEngines() {
        for engine in DatabaseEngine.allCases {
            let ddl = SchemaInstaller.ddl(for: engine)
            for table in SchemaInstaller.tables {
                #expect(ddl.contains { $0.hasPrefix("CREATE TABLE \"\(table)\"") }, "\(engine) \(table)")
            }
            #expect(ddl.allSatisfy { !$0.contains(";") })
            #expect(ddl.contains { $0.contains("UNIQUE (\"nombre\", \"tipo_equipo\")") })
        }
        #expect(SchemaInstaller.ddl(for: .sqlite).first?.contains("integer NOT NULL PRIMARY KEY AUTOINCREMENT") == true)
        #expect(
            SchemaInstaller.ddl(for: .postgresql).filter { $0.contains("GENERATED BY DEFAULT AS IDENTITY") }.count == 8)
    }
}
