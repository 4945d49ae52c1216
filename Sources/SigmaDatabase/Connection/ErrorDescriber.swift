import AsyncKit
import PostgresNIO
import SQLiteNIO

/// Turns driver errors into ``SigmaDatabaseError`` values with readable, secret-free messages.
///
/// Driver errors are never rendered with `String(reflecting:)`: only chosen fields (the server's
/// message, the SQLSTATE, the socket error) reach the message.
enum ErrorDescriber {
    /// An error while obtaining a connection.
    static func connectionError(
        _ error: any Error, alias: DatabaseAlias, location: String, engine: DatabaseEngine
    ) -> SigmaDatabaseError {
        if let error = error as? SigmaDatabaseError { return error }
        let target = "database '\(alias.rawValue)' at \(location)"
        if error is DeadlineExceeded || error is ConnectionPoolTimeoutError {
            return SigmaDatabaseError(
                code: .timeout, message: "timed out connecting to \(target)", alias: alias.rawValue, location: location
            )
        }
        if let psql = error as? PSQLError {
            let sqlState = psql.serverInfo?[.sqlState]
            // 28P01 invalid_password, 28000 invalid_authorization_specification.
            let isAuthentication =
                sqlState?.hasPrefix("28") == true
                || psql.code == .authMechanismRequiresPassword || psql.code == .saslError
            return SigmaDatabaseError(
                code: isAuthentication ? .authenticationFailed : .connectionFailed,
                message: "cannot connect to \(target): \(reason(psql))",
                alias: alias.rawValue, location: location
            )
        }
        return SigmaDatabaseError(
            code: .connectionFailed, message: "cannot connect to \(target): \(reason(error))",
            alias: alias.rawValue, location: location
        )
    }

    /// An error while running a statement.
    static func statementError(
        _ error: any Error, alias: DatabaseAlias, location: String
    ) -> SigmaDatabaseError {
        if let error = error as? SigmaDatabaseError { return error }
        let target = "database '\(alias.rawValue)' at \(location)"
        if error is DeadlineExceeded {
            return SigmaDatabaseError(
                code: .timeout, message: "statement timed out on \(target)", alias: alias.rawValue, location: location
            )
        }
        if let psql = error as? PSQLError, psql.serverInfo?[.sqlState] == "57014" {
            return SigmaDatabaseError(
                code: .timeout, message: "statement timed out on \(target): \(reason(psql))",
                alias: alias.rawValue, location: location
            )
        }
        if error is DecodingError {
            return SigmaDatabaseError(
                code: .decodingFailed, message: "unexpected column value on \(target): \(reason(error))",
                alias: alias.rawValue, location: location
            )
        }
        return SigmaDatabaseError(
            code: .queryFailed, message: "statement failed on \(target): \(reason(error))",
            alias: alias.rawValue, location: location
        )
    }

    /// A short, secret-free reason.
    static func reason(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let info = psql.serverInfo {
                let message = info[.message] ?? "server error"
                return info[.sqlState].map { "\(message) (SQLSTATE \($0))" } ?? message
            }
            if let underlying = psql.underlying {
                return "\(psql.code): \(reason(underlying))"
            }
            return "\(psql.code)"
        }
        if let sqlite = error as? SQLiteError {
            return sqlite.description
        }
        if let decoding = error as? DecodingError {
            switch decoding {
            case .typeMismatch(_, let context), .valueNotFound(_, let context),
                .keyNotFound(_, let context), .dataCorrupted(let context):
                let path = context.codingPath.map(\.stringValue).joined(separator: ".")
                return "\(path): \(context.debugDescription)"
            @unknown default:
                return "decoding error"
            }
        }
        return "\(error)"
    }
}
