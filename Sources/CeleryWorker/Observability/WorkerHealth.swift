import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// What `/healthz` and `/readyz` answer from: when the consumer loop last turned, when Redis
/// last answered a probe, and whether the worker has said `ready.`. Healthy while both happened
/// within ``window`` seconds; ready from `ready.` until the shutdown begins.
public final class WorkerHealth: Sendable {
    /// How recent the loop's turn and Redis' answer must be.
    public static let window: Double = 3

    /// The pure rule.
    public static func isHealthy(now: Double, loopTurned: Double?, redisAnswered: Double?) -> Bool {
        guard let loopTurned, let redisAnswered else { return false }
        return now - loopTurned <= window && now - redisAnswered <= window
    }

    private let loop = Atomic<UInt64>(0)
    private let redis = Atomic<UInt64>(0)
    private let readyFlag = Atomic<Bool>(false)

    public init() {}

    /// Monotonic seconds.
    public static func now() -> Double {
        var value = timespec()
        clock_gettime(CLOCK_MONOTONIC, &value)
        return Double(value.tv_sec) + Double(value.tv_nsec) / 1e9
    }

    private static func stamp() -> UInt64 { UInt64(now() * 1e6) }
    private static func seconds(_ stamp: UInt64) -> Double? { stamp == 0 ? nil : Double(stamp) / 1e6 }

    /// The consumer loop passed (it fetched, or waited its polling interval on idle queues).
    public func loopTurned() { loop.store(Self.stamp(), ordering: .relaxed) }

    /// Redis answered a probe.
    public func redisAnswered() { redis.store(Self.stamp(), ordering: .relaxed) }

    /// `ready.` was logged (true), or the shutdown began (false).
    public func setReady(_ ready: Bool) { readyFlag.store(ready, ordering: .relaxed) }

    public var isReady: Bool { readyFlag.load(ordering: .relaxed) }

    public var isHealthy: Bool {
        Self.isHealthy(
            now: Self.now(), loopTurned: Self.seconds(loop.load(ordering: .relaxed)),
            redisAnswered: Self.seconds(redis.load(ordering: .relaxed)))
    }
}
