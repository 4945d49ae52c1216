import SQLKit

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Reads one result row, hiding how each engine stores booleans and timestamps.
struct RowReader: Sendable {
    let row: any SQLRow
    let engine: DatabaseEngine
    let session: DatabaseSession

    func int(_ column: String) throws -> Int {
        try wrap { try row.decode(column: column, as: Int.self) }
    }

    func optionalInt(_ column: String) throws -> Int? {
        try wrap { try row.decode(column: column, as: Int?.self) }
    }

    func string(_ column: String) throws -> String {
        try wrap { try row.decode(column: column, as: String.self) }
    }

    func optionalString(_ column: String) throws -> String? {
        try wrap { try row.decode(column: column, as: String?.self) }
    }

    func bool(_ column: String) throws -> Bool {
        guard let value = try optionalBool(column) else {
            throw session.decodingError("column \(column) is NULL")
        }
        return value
    }

    func optionalBool(_ column: String) throws -> Bool? {
        try wrap {
            switch engine {
            case .postgresql: try row.decode(column: column, as: Bool?.self)
            case .sqlite: try row.decode(column: column, as: Int?.self).map { $0 != 0 }
            }
        }
    }

    func date(_ column: String) throws -> Date {
        guard let value = try optionalDate(column) else {
            throw session.decodingError("column \(column) is NULL")
        }
        return value
    }

    func optionalDate(_ column: String) throws -> Date? {
        switch engine {
        case .postgresql:
            return try wrap { try row.decode(column: column, as: Date?.self).map(DjangoTimestamp.rounded) }
        case .sqlite:
            guard let text = try optionalString(column) else { return nil }
            guard let date = DjangoTimestamp.parseSQLite(text) else {
                throw session.decodingError("column \(column) holds '\(text)', not a Django timestamp")
            }
            return date
        }
    }

    private func wrap<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw ErrorDescriber.statementError(error, alias: session.alias, location: session.location)
        }
    }
}
