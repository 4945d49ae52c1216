/// An error of the SIGMA database layer: a code, a human message, and where it happened.
///
/// The message names the alias and the host (or SQLite file) and never contains a password.
public struct SigmaDatabaseError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; extensible.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The stable identifier of the code.
        public let rawValue: String

        /// Creates a code.
        ///
        /// - Parameter rawValue: the stable identifier.
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// A `db_alias` that names no configured database. Not retryable.
        public static let unknownAlias = Code("unknownAlias")
        /// The configuration is unusable (e.g. `DB_PORT` is not a number). Not retryable.
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// The database could not be reached or refused the connection.
        public static let connectionFailed = Code("connectionFailed")
        /// The server rejected the credentials.
        public static let authenticationFailed = Code("authenticationFailed")
        /// A connection or a statement did not finish within its deadline.
        public static let timeout = Code("timeout")
        /// A statement failed on the server.
        public static let queryFailed = Code("queryFailed")
        /// A row could not be decoded into its value type.
        public static let decodingFailed = Code("decodingFailed")
        /// The order exists but has no `servicio_tecnico_detalleequipo` row.
        public static let orderDetailMissing = Code("orderDetailMissing")
        /// An UPDATE of an order matched no row (Django raises in that case).
        public static let orderNotUpdated = Code("orderNotUpdated")

        /// See `CustomStringConvertible`.
        public var description: String { rawValue }
    }

    /// What went wrong.
    public var code: Code
    /// A human sentence, without secrets.
    public var message: String
    /// The alias involved (`mexico`, `argentina`), if any.
    public var alias: String?
    /// The host and port, or the SQLite file path, involved, if any.
    public var location: String?

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: what went wrong.
    ///   - message: a human sentence, without secrets.
    ///   - alias: the alias involved.
    ///   - location: host:port or SQLite path.
    public init(code: Code, message: String, alias: String? = nil, location: String? = nil) {
        self.code = code
        self.message = message
        self.alias = alias
        self.location = location
    }

    /// Whether retrying the task can help: false for configuration mistakes, true for outages.
    public var isRetryable: Bool {
        code != .unknownAlias && code != .invalidConfiguration
    }

    /// See `CustomStringConvertible`.
    public var description: String {
        var text = "SigmaDatabaseError.\(code): \(message)"
        if let alias, !message.contains("'\(alias)'") { text += " [alias \(alias)]" }
        if let location, !message.contains(location) { text += " [\(location)]" }
        return text
    }
}
