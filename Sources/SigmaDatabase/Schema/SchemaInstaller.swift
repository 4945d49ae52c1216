import SQLKit

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Creates the §11 tables, and optionally the demo/test seed rows, in an empty country database.
public enum SchemaInstaller {
    /// The tables this module covers, in creation order.
    public static let tables = [
        "auth_user", "inventario_sucursal", "inventario_empleado", "scorecard_componenteequipo",
        "servicio_tecnico_ordenservicio", "servicio_tecnico_detalleequipo", "servicio_tecnico_cotizacion",
        "servicio_tecnico_piezacotizada", "servicio_tecnico_imagenorden", "servicio_tecnico_historialorden",
    ]

    /// The DDL statements of one engine, one `CREATE` per element.
    ///
    /// - Parameter engine: PostgreSQL or SQLite.
    public static func ddl(for engine: DatabaseEngine) -> [String] {
        let script = engine == .postgresql ? postgreSQLDDL : sqliteDDL
        return script.split(separator: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .map { $0.hasSuffix(";") ? String($0.dropLast()) : $0 }
            .filter { !$0.isEmpty }
    }

    /// Creates the tables and, when `seed` is true, inserts ``SeedData`` for the database's
    /// country — all in one transaction.
    ///
    /// - Parameters:
    ///   - database: an empty country database.
    ///   - seed: whether to insert the seed rows.
    public static func install(in database: CountryDatabase, seed: Bool = true) async throws {
        try await database.transaction { session in
            for statement in ddl(for: session.engine) {
                try await session.execute(SQLQueryString(statement))
            }
            if seed { try await insertSeed(SeedData.tables(for: session.alias), session: session) }
        }
    }

    private static func insertSeed(_ tables: [SeedData.Table], session: DatabaseSession) async throws {
        for table in tables {
            for row in table.rows {
                var query: SQLQueryString = "INSERT INTO \(unsafeRaw: table.name) ("
                query += SQLQueryString(table.columns.map { "\"\($0)\"" }.joined(separator: ", "))
                query += ") VALUES ("
                query += row.map { value(for: $0, session: session) }.joined(separator: ", ")
                query += ")"
                try await session.execute(query)
            }
            if session.engine == .postgresql, table.columns.first == "id" {
                try await session.execute(
                    """
                    SELECT setval(pg_get_serial_sequence(\(bind: table.name), 'id'), \
                    (SELECT MAX(id) FROM \(unsafeRaw: table.name)))
                    """
                )
            }
        }
    }

    private static func value(for value: SeedData.Value, session: DatabaseSession) -> SQLQueryString {
        switch value {
        case .int(let number): "\(bind: number)"
        case .text(let text): "\(bind: text)"
        case .bool(let flag): "\(bind: flag)"
        case .null: "NULL"
        case .timestamp(let text):
            "\(bind: session.timestamp(DjangoTimestamp.parseSQLite(text) ?? Date(timeIntervalSince1970: 0)))"
        case .date(let text): session.engine == .postgresql ? "CAST(\(bind: text) AS DATE)" : "\(bind: text)"
        case .decimal(let text): "CAST(\(bind: text) AS NUMERIC)"
        }
    }
}
