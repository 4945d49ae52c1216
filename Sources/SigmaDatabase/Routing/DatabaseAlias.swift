/// A country database, named by the `db_alias` a task message carries.
public enum DatabaseAlias: String, Sendable, Hashable, CaseIterable {
    /// The Mexico database (`DB_NAME`), also reached as `default`.
    case mexico
    /// The Argentina database (`DB_NAME_AR`).
    case argentina

    /// Routes a task's `db_alias`: absent, `default` or `mexico` → Mexico; `argentina` → Argentina.
    ///
    /// - Parameter dbAlias: the `db_alias` keyword argument, if the message had one.
    /// - Throws: ``SigmaDatabaseError`` with code `unknownAlias` (not retryable) for anything else.
    public init(dbAlias: String?) throws {
        switch dbAlias {
        case nil, "default", "mexico": self = .mexico
        case "argentina": self = .argentina
        case let other?:
            throw SigmaDatabaseError(
                code: .unknownAlias,
                message: "unknown db_alias '\(other)': expected 'default', 'mexico' or 'argentina'",
                alias: other
            )
        }
    }

    /// The country whose data this database holds.
    public var country: Country {
        switch self {
        case .mexico: .mexico
        case .argentina: .argentina
        }
    }
}
