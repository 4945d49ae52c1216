import Foundation

/// A Redis location as Celery reads `CELERY_BROKER_URL` / `CELERY_RESULT_BACKEND`:
/// `redis://[user[:password]@]host[:port][/db]`, `unix:///path?db=N`,
/// `redis+socket:///path?virtual_host=N`. Passwords may be percent-encoded.
public struct RedisURL: Sendable, Hashable, CustomStringConvertible {
    /// Where to connect.
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case unix(path: String)
    }

    public var endpoint: Endpoint
    public var database: Int
    public var username: String?
    public var password: String?

    /// Creates a location.
    public init(endpoint: Endpoint, database: Int = 0, username: String? = nil, password: String? = nil) {
        self.endpoint = endpoint
        self.database = database
        self.username = username
        self.password = password
    }

    /// Parses a URL; errors name what is wrong, never the password.
    public init(parsing text: String) throws(RedisError) {
        guard let schemeEnd = text.range(of: "://") else {
            throw RedisError(.configuration, "not a Redis URL (expected redis://host:port/db)")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        var rest = String(text[schemeEnd.upperBound...])
        var query: [String: String] = [:]
        if let mark = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: mark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                query[parts[0]] = parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
            }
            rest = String(rest[..<mark])
        }
        switch scheme {
        case "redis":
            break
        case "unix", "redis+socket", "socket":
            var path = rest
            if let at = path.lastIndex(of: "@") {
                let credentials = String(path[..<at])
                path = String(path[path.index(after: at)...])
                (username, password) = Self.credentials(credentials)
            }
            guard !path.isEmpty else { throw RedisError(.configuration, "the unix socket URL has no path") }
            endpoint = .unix(path: path.removingPercentEncoding ?? path)
            let db = query["db"] ?? query["virtual_host"] ?? "0"
            guard let number = Int(db), number >= 0 else {
                throw RedisError(.configuration, "the database number '\(db)' is not an integer")
            }
            database = number
            return
        case "rediss":
            throw RedisError(
                .configuration,
                "rediss:// (TLS) is not supported by this build's hiredis; use redis:// or a unix socket")
        default:
            throw RedisError(.configuration, "unsupported URL scheme '\(scheme)' (expected redis:// or unix://)")
        }
        var authority = rest
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            authority = String(rest[..<slash])
            path = String(rest[rest.index(after: slash)...])
        }
        if let at = authority.lastIndex(of: "@") {
            (username, password) = Self.credentials(String(authority[..<at]))
            authority = String(authority[authority.index(after: at)...])
        }
        var host = authority
        var port = 6379
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()) else { throw RedisError(.configuration, "invalid port") }
                port = number
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else {
                throw RedisError(.configuration, "invalid port in the Redis URL")
            }
            port = number
        }
        if host.isEmpty { host = "localhost" }
        endpoint = .tcp(host: host, port: port)
        let dbText = path.isEmpty ? (query["db"] ?? "0") : path
        guard let number = Int(dbText), number >= 0 else {
            throw RedisError(.configuration, "the database number '\(dbText)' is not an integer")
        }
        database = number
    }

    private static func credentials(_ text: String) -> (String?, String?) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let user = parts[0].removingPercentEncoding ?? parts[0]
        let password = parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : nil
        return (user.isEmpty ? nil : user, password?.isEmpty == true ? nil : password)
    }

    /// The URL with the password masked, for logs (`redis://:**@host:6379/0`).
    public var description: String {
        let auth = (username ?? "") + (password != nil ? ":**" : "")
        switch endpoint {
        case .tcp(let host, let port):
            return "redis://\(auth.isEmpty ? "" : auth + "@")\(host):\(port)/\(database)"
        case .unix(let path):
            return "unix://\(auth.isEmpty ? "" : auth + "@")\(path)?db=\(database)"
        }
    }

    /// The broker URL as kombu's `Connection.as_uri()` logs it: the password always masked,
    /// even when there is none (`redis://:**@localhost:6379/0`), as Celery's lines show it.
    public var kombuDisplay: String {
        let auth = (username ?? "") + ":**@"
        switch endpoint {
        case .tcp(let host, let port): return "redis://\(auth)\(host):\(port)/\(database)"
        case .unix(let path): return "redis+socket://\(auth)\(path)?virtual_host=\(database)"
        }
    }

    /// The same server with another database number.
    public func with(database: Int) -> RedisURL {
        var copy = self
        copy.database = database
        return copy
    }
}
