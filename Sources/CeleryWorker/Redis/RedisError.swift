/// A Redis failure: connection, server error reply, protocol or configuration.
public struct RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is. Extensible.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The connection failed, dropped or timed out: reconnect and retry.
        public static let connection = Code("connection")
        /// The server answered with an error reply.
        public static let server = Code("server")
        /// The server cannot serve yet (`LOADING` after a restart, `BUSY`, `TRYAGAIN`,
        /// `MASTERDOWN`): nothing was executed; retry after a pause.
        public static let unavailable = Code("unavailable")
        /// A reply did not have the expected shape.
        public static let protocolViolation = Code("protocol")
        /// The URL or options are invalid.
        public static let configuration = Code("configuration")
    }

    public var code: Code
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "redis \(code.name) error: \(message)" }
}
