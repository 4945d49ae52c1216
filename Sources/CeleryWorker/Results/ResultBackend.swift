import CeleryWire
import Foundation
import Logging
import ServiceLifecycle

/// Celery's Redis result backend: for each state, the GET guard (a stored SUCCESS is never
/// overwritten), then SETEX with `result_expires` and PUBLISH on the key's channel, which is
/// what wakes `AsyncResult.get()`. The three steps run as one Lua script (atomic; each command
/// still shows in MONITOR), pipelined with other writes on a dedicated thread.
public final class ResultBackend: ResultStore {
    /// The key naming in use.
    public let keys: BackendKeys
    /// TTL of stored results in seconds; nil stores without expiry.
    public let expires: Int?
    /// How `date_done` is written.
    public let dateStyle: ResultRecord.DateStyle
    let pipeline: RedisPipelineThread

    static let storeScript = """
        local current = redis.call('GET', KEYS[1])
        if current then
          local ok, meta = pcall(cjson.decode, current)
          if ok and type(meta) == 'table' and meta['status'] == 'SUCCESS' then return 0 end
        end
        if tonumber(ARGV[2]) > 0 then
          redis.call('SETEX', KEYS[1], ARGV[2], ARGV[1])
        else
          redis.call('SET', KEYS[1], ARGV[1])
        end
        redis.call('PUBLISH', KEYS[1], ARGV[1])
        return 1
        """

    /// Creates a backend client.
    public init(
        url: RedisURL, keys: BackendKeys = BackendKeys(), expires: Int? = 86_400,
        dateStyle: ResultRecord.DateStyle = .aware,
        logger: Logger
    ) {
        self.keys = keys
        self.expires = expires
        self.dateStyle = dateStyle
        self.pipeline = RedisPipelineThread(name: "sigma-results", url: url, logger: logger)
    }

    /// SHA-1 of `storeScript`: writes use EVALSHA and fall back to EVAL once after NOSCRIPT
    /// (a restarted or flushed Redis), which also caches the script again.
    static let storeScriptSHA1 = "b9064faa29bfc952f9fefa688d4f30e537e62dee"

    /// Stores a state unless a SUCCESS is already stored, and waits for Redis to confirm.
    /// - Returns: false when the guard skipped the write.
    @discardableResult
    public func store(_ record: ResultRecord) async throws(RedisError) -> Bool {
        let result: Result<Bool, RedisError> = await withCheckedContinuation { continuation in
            enqueue(record, written: nil) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Queues the write of a state behind the writes already queued (in order, on one
    /// connection) without waiting; the completion runs on the writer thread.
    /// - Parameter written: called once the write is in the socket buffer (see `RedisConnection.pipeline`).
    public func enqueue(
        _ record: ResultRecord, written: (@Sendable () -> Void)?,
        completion: @escaping @Sendable (Result<Bool, RedisError>) -> Void
    ) {
        let arguments = [
            "1".bytes, keys.task(record.taskID).bytes, record.encoded(dateStyle: dateStyle), String(expires ?? 0).bytes,
        ]
        let pipeline = self.pipeline
        pipeline.send([["EVALSHA".bytes, Self.storeScriptSHA1.bytes] + arguments], written: written) { result in
            guard case .success(let replies) = result, case .error(let message) = replies[0],
                message.hasPrefix("NOSCRIPT")
            else {
                completion(result.flatMap(Self.written))
                return
            }
            pipeline.send([["EVAL".bytes, Self.storeScript.bytes] + arguments]) { completion($0.flatMap(Self.written)) }
        }
    }

    /// Runs `body` once the writes queued before it are in the socket buffer or failed.
    public func afterQueuedWrites(_ body: @escaping @Sendable () -> Void) { pipeline.afterQueued(body) }

    /// Whether the script wrote (1) or the guard kept a stored SUCCESS (0).
    private static func written(_ replies: [RedisReply]) -> Result<Bool, RedisError> {
        Result { () throws(RedisError) -> Bool in try replies[0].check().integer == 1 }
    }

    /// Reads a stored state (nil when PENDING).
    public func fetch(taskID: String) async throws(RedisError) -> ResultRecord? {
        let replies = try await pipeline.send([redisCommand("GET", keys.task(taskID))])
        guard let bytes = try replies[0].check().bytes else { return nil }
        return try? ResultRecord.decode(bytes)
    }

    /// Sets a key of the result database unless it exists, expiring with the results
    /// (`result_expires`); the result transport's `global_keyprefix` is put in front of `name`.
    /// For task code that must remember something across retries under its own key names.
    /// - Returns: false when the key already existed.
    @discardableResult
    public func setIfAbsent(_ name: String, value: String) async throws(RedisError) -> Bool {
        var command = ["SET", keys.prefix + name, value, "NX"]
        if let expires, expires > 0 { command += ["EX", String(expires)] }
        let replies = try await pipeline.send([command.map(\.bytes)])
        return try replies[0].check().string == "OK"
    }

    /// Whether a key of the result database exists (`global_keyprefix` in front of `name`).
    public func exists(_ name: String) async throws(RedisError) -> Bool {
        let replies = try await pipeline.send([redisCommand("EXISTS", keys.prefix + name)])
        return try replies[0].check().integer == 1
    }

    /// Ends the writer thread after the queued writes, and waits until they are done.
    public func stop() async { await pipeline.stop() }

    /// Failed connections fail at once from now on (shutdown).
    public func stopRetrying() { pipeline.stopRetrying() }

    /// Runs until graceful shutdown, then flushes the queued writes and stops.
    public func run() async throws {
        try? await gracefulShutdown()
        await stop()
    }
}
