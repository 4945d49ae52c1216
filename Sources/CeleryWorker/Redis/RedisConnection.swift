import CHiredis
import Foundation

/// One hiredis connection. Blocking: use it only from a dedicated thread (a pipeline, consumer or watcher thread),
/// never from Swift's cooperative pool, and from one thread at a time.
public final class RedisConnection: @unchecked Sendable {
    /// Where this connection points.
    public let url: RedisURL
    private var context: UnsafeMutablePointer<redisContext>?

    /// Connects, authenticates and selects the database.
    /// - Parameters:
    ///   - url: the server.
    ///   - connectTimeout: seconds to wait for the TCP or unix connection.
    ///   - commandTimeout: socket read/write timeout in seconds; nil blocks as long as needed.
    public init(url: RedisURL, connectTimeout: Double = 5, commandTimeout: Double? = nil) throws(RedisError) {
        self.url = url
        let timeout = Self.timeval(connectTimeout)
        let context: UnsafeMutablePointer<redisContext>?
        switch url.endpoint {
        case .tcp(let host, let port): context = redisConnectWithTimeout(host, Int32(port), timeout)
        case .unix(let path): context = redisConnectUnixWithTimeout(path, timeout)
        }
        guard let context else { throw RedisError(.connection, "cannot allocate a Redis context") }
        self.context = context
        if context.pointee.err != 0 {
            let code = errno
            let reason = Self.errorText(context)
            redisFree(context)
            self.context = nil
            throw RedisError(.connection, Self.connectFailure(url: url, reason: reason, errno: code))
        }
        _ = redisEnableKeepAlive(context)
        if let commandTimeout { _ = redisSetTimeout(context, Self.timeval(commandTimeout)) }
        if let password = url.password {
            var auth = ["AUTH"]
            if let username = url.username { auth.append(username) }
            auth.append(password)
            if case .error(let message) = try command(auth) {
                // redis-py's wording: the server's text without its code (WRONGPASS, ERR).
                let text = message.split(separator: " ", maxSplits: 1).last.map(String.init) ?? message
                throw RedisError(.connection, text.hasSuffix(".") ? text : text + ".")
            }
        }
        if url.database != 0 { try command(["SELECT", String(url.database)]).check() }
    }

    deinit {
        if let context { redisFree(context) }
    }

    /// Sends one command and waits for its reply.
    @discardableResult
    public func command(_ arguments: [String]) throws(RedisError) -> RedisReply {
        try pipeline([arguments.map { Array($0.utf8) }])[0]
    }

    /// Sends one command given as byte arguments and waits for its reply.
    @discardableResult
    public func command(bytes arguments: [[UInt8]]) throws(RedisError) -> RedisReply {
        try pipeline([arguments])[0]
    }

    /// Sends several commands in one write and reads all their replies (one round trip).
    /// - Parameter written: called once every command is in the kernel's socket buffer, before
    ///   the replies are read. From then on a crash of this process no longer loses them: the
    ///   kernel still delivers what a closed socket had buffered.
    public func pipeline(_ commands: [[[UInt8]]], written: () -> Void = {}) throws(RedisError) -> [RedisReply] {
        try write(commands)
        written()
        guard let context else { throw RedisError(.connection, "the connection is closed") }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw failure(context) }
            let reply = raw.assumingMemoryBound(to: redisReply.self)
            replies.append(Self.convert(reply))
            freeReplyObject(raw)
        }
        return replies
    }

    // MARK: Pipelining across round trips (the pipeline thread writes while replies are due)

    /// The socket, for `poll`.
    public var descriptor: Int32? { context.map { $0.pointee.fd } }

    /// Writes commands to the socket without reading anything (their replies come later, in
    /// order, through ``readAvailable()`` and ``bufferedReply()``).
    public func write(_ commands: [[[UInt8]]]) throws(RedisError) {
        guard let context else { throw RedisError(.connection, "the connection is closed") }
        for arguments in commands {
            guard Self.append(context, arguments) == REDIS_OK else { throw failure(context) }
        }
        var done: Int32 = 0
        while done == 0 {
            guard redisBufferWrite(context, &done) == REDIS_OK else { throw failure(context) }
        }
        RedisMetrics.roundTrip()
    }

    /// Reads what the socket holds into the reply buffer (one read: call it when `poll` says
    /// the socket is readable, so it does not block).
    public func readAvailable() throws(RedisError) {
        guard let context else { throw RedisError(.connection, "the connection is closed") }
        guard redisBufferRead(context) == REDIS_OK else { throw failure(context) }
    }

    /// The next complete reply already read, if any.
    public func bufferedReply() throws(RedisError) -> RedisReply? {
        guard let context else { throw RedisError(.connection, "the connection is closed") }
        var raw: UnsafeMutableRawPointer?
        guard redisGetReplyFromReader(context, &raw) == REDIS_OK else { throw failure(context) }
        guard let raw else { return nil }
        defer { freeReplyObject(raw) }
        return Self.convert(raw.assumingMemoryBound(to: redisReply.self))
    }

    /// Waits for the next reply without sending anything (pub/sub messages after a
    /// (P)SUBSCRIBE).
    public func readReply() throws(RedisError) -> RedisReply {
        guard let context else { throw RedisError(.connection, "the connection is closed") }
        var raw: UnsafeMutableRawPointer?
        guard redisGetReply(context, &raw) == REDIS_OK, let raw else { throw failure(context) }
        defer { freeReplyObject(raw) }
        return Self.convert(raw.assumingMemoryBound(to: redisReply.self))
    }

    /// Shuts the socket down from another thread, so that a blocked ``readReply()`` returns
    /// with a connection error. The descriptor is read once; call it while the connection lives.
    public func interrupt() {
        guard let descriptor = context?.pointee.fd, descriptor >= 0 else { return }
        shutdown(descriptor, Int32(SHUT_RDWR))
    }

    /// Closes the connection; later calls fail with a connection error.
    public func close() {
        if let context { redisFree(context) }
        context = nil
    }

    private func failure(_ context: UnsafeMutablePointer<redisContext>) -> RedisError {
        let reason = Self.errorText(context)
        redisFree(context)
        self.context = nil
        return RedisError(.connection, "connection to \(url) lost: \(reason)")
    }

    private static func append(_ context: UnsafeMutablePointer<redisContext>, _ arguments: [[UInt8]]) -> Int32 {
        var pointers: [UnsafePointer<CChar>?] = []
        var lengths: [Int] = []
        pointers.reserveCapacity(arguments.count)
        lengths.reserveCapacity(arguments.count)
        let storage = arguments.map { bytes -> UnsafeMutablePointer<CChar> in
            let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, bytes.count))
            bytes.withUnsafeBytes { raw in
                if let base = raw.baseAddress {
                    pointer.initialize(from: base.assumingMemoryBound(to: CChar.self), count: bytes.count)
                }
            }
            return pointer
        }
        defer { storage.forEach { $0.deallocate() } }
        for (index, bytes) in arguments.enumerated() {
            pointers.append(UnsafePointer(storage[index]))
            lengths.append(bytes.count)
        }
        return pointers.withUnsafeMutableBufferPointer { argv in
            lengths.withUnsafeBufferPointer { argvlen in
                redisAppendCommandArgv(context, Int32(arguments.count), argv.baseAddress, argvlen.baseAddress)
            }
        }
    }

    private static func convert(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let value = reply.pointee
        switch value.type {
        case REDIS_REPLY_STRING:
            return .string(bytes(value.str, value.len))
        case REDIS_REPLY_STATUS:
            return .status(String(decoding: bytes(value.str, value.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            return .error(String(decoding: bytes(value.str, value.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            return .integer(value.integer)
        case REDIS_REPLY_ARRAY:
            var elements: [RedisReply] = []
            elements.reserveCapacity(Int(value.elements))
            for index in 0..<Int(value.elements) {
                if let element = value.element[index] { elements.append(convert(element)) }
            }
            return .array(elements)
        default:
            return .null
        }
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>?, _ length: Int) -> [UInt8] {
        guard let pointer, length > 0 else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    /// redis-py's wording for a connection that cannot be made, which Celery's log line quotes:
    /// `Error 111 connecting to 127.0.0.1:6379. Connection refused.`
    static func connectFailure(url: RedisURL, reason: String, errno code: Int32) -> String {
        let system = code != 0 ? String(cString: strerror(code)) : ""
        let number = !system.isEmpty && reason == system ? "Error \(code) " : "Error "
        switch url.endpoint {
        case .tcp(let host, let port): return "\(number)connecting to \(host):\(port). \(reason)."
        case .unix(let path): return "\(number)connecting to unix socket: \(path). \(reason)."
        }
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            let text = String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            return text.isEmpty ? "error \(context.pointee.err)" : text
        }
    }

    private static func timeval(_ seconds: Double) -> timeval {
        Foundation.timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
    }
}
