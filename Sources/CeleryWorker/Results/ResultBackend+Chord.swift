import CeleryWire
import Foundation

/// The chord join on the Redis result backend, as Celery 5.7 does it (celery-wire.md §6.5): each
/// header task adds its result to `<group>.j` (deduplicated by `<group>.d`), and the worker that
/// completes the count claims `<group>.c` and publishes the body. The keys and their meaning are
/// Celery's, so Python and Swift workers can share a chord's header tasks.
extension ResultBackend {
    /// What adding one header result found.
    public struct ChordPart: Sendable, Hashable {
        /// Results stored so far.
        public var ready: Int
        /// The chord size plus `.t`, or nil when `.s` is gone (completed or failed).
        public var total: Int?
        /// True when this call completed the count and won the claim to publish the body.
        public var claimed: Bool

        /// Creates what a join found.
        public init(ready: Int, total: Int?, claimed: Bool) {
            self.ready = ready
            self.total = total
            self.claimed = claimed
        }
    }

    static let chordPartScript = """
        local jkey, tkey, skey, dkey, gkey, ckey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
        local expires, claim_expires = tonumber(ARGV[5]), tonumber(ARGV[6])
        if redis.call('GET', ckey) == 'done' then return {-1, -1, 0} end
        local member = ARGV[1] .. ':' .. ARGV[4]
        if redis.call('SISMEMBER', dkey, member) == 0 then
          redis.call('ZADD', jkey, ARGV[4], ARGV[2])
          redis.call('SADD', dkey, member)
        end
        local ready = redis.call('ZCOUNT', jkey, '-inf', '+inf')
        if expires > 0 then
          for _, key in ipairs({jkey, tkey, skey, dkey}) do redis.call('EXPIRE', key, expires) end
          redis.call('EXPIRE', gkey, expires)
        end
        local size = redis.call('GET', skey)
        if not size then return {ready, -1, 0} end
        local total = tonumber(size) + tonumber(redis.call('GET', tkey) or 0)
        local claimed = 0
        if ready == total and redis.call('SET', ckey, ARGV[3], 'NX', 'EX', claim_expires) then claimed = 1 end
        return {ready, total, claimed}
        """

    static let chordExtendScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end
        if not redis.call('GET', KEYS[1]) and redis.call('EXISTS', KEYS[2]) == 1 then
          return redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX') and 1 or 0
        end
        return 0
        """

    static let chordCleanupScript = """
        if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
        redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
        redis.call('SET', KEYS[1], 'done', 'EX', ARGV[2])
        return 1
        """

    /// Adds a header task's join entry `[1, task_id, state, value]` at its group index.
    /// - Returns: nil when the chord was already completed (a late duplicate).
    public func addChordPart(
        groupID: String, taskID: String, entry: [UInt8], groupIndex: Int?, claimToken: String, claimExpires: Int
    ) async throws(RedisError) -> ChordPart? {
        let keys = self.keys.chord(groupID)
        let command: [[UInt8]] =
            [
                "EVAL", Self.chordPartScript, "6", keys.join, keys.totalDiff, keys.size, keys.dedupe,
                self.keys.group(groupID),
                keys.claim, taskID,
            ].map(\.bytes)
            + [entry]
            + [claimToken, groupIndex.map(String.init) ?? "+inf", String(expires ?? 0), String(claimExpires)].map(
                \.bytes)
        let reply = try await pipeline.send([command])[0].check()
        guard let values = reply.array?.compactMap(\.integer), values.count == 3, values[0] >= 0 else { return nil }
        return ChordPart(ready: Int(values[0]), total: values[1] < 0 ? nil : Int(values[1]), claimed: values[2] == 1)
    }

    /// The join entries in group-index order.
    public func chordEntries(groupID: String) async throws(RedisError) -> [[UInt8]] {
        let reply = try await pipeline.send([redisCommand("ZRANGE", keys.chord(groupID).join, "0", "-1")])[0].check()
        return reply.array?.compactMap(\.bytes) ?? []
    }

    /// Extends (or retakes, while the chord data remains) this worker's claim to publish the body.
    public func extendChordClaim(groupID: String, claimToken: String, seconds: Int) async throws(RedisError) -> Bool {
        let keys = self.keys.chord(groupID)
        let reply = try await pipeline.send([
            redisCommand("EVAL", Self.chordExtendScript, "2", keys.claim, keys.size, claimToken, String(seconds))
        ])[0].check()
        return reply.integer == 1
    }

    /// After the body was published: drops the chord data and leaves a `done` marker, if the
    /// claim is still this worker's.
    public func finishChord(groupID: String, claimToken: String, doneExpires: Int) async throws(RedisError) -> Bool {
        let keys = self.keys.chord(groupID)
        let reply = try await pipeline.send([
            redisCommand(
                "EVAL", Self.chordCleanupScript, "5", keys.claim, keys.join, keys.totalDiff, keys.size, keys.dedupe,
                claimToken,
                String(doneExpires))
        ])[0].check()
        return reply.integer == 1
    }

    /// Drops the chord size after a failed join, so a late copy of a header task does not fail
    /// the chord again.
    public func dropChordSize(groupID: String) async throws(RedisError) {
        _ = try await pipeline.send([redisCommand("DEL", keys.chord(groupID).size)])[0].check()
    }
}
