import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// systemd's notification protocol (`sd_notify(3)`) without libsystemd: newline-separated
/// `KEY=VALUE` assignments in one datagram to the `AF_UNIX` socket named by `NOTIFY_SOCKET`
/// (a path, or `@name` for an abstract socket). With `Type=notify` the worker sends `READY=1`
/// when it consumes (again after each re-exec: `NOTIFY_SOCKET` stays in the environment),
/// `RELOADING=1` on SIGHUP, `STOPPING=1` when it shuts down, and `WATCHDOG=1` while the consumer
/// loop is alive when `WATCHDOG_USEC` is set for this pid.
///
/// Without `NOTIFY_SOCKET` every call does nothing.
public final class SystemdNotifier: Sendable {
    /// Where the datagrams go.
    public enum Address: Equatable, Sendable {
        case path(String)
        case abstract(String)

        /// Parses `NOTIFY_SOCKET`: an absolute path, or `@` then an abstract name. Anything else
        /// (empty, relative, too long for `sun_path`) is nil, as libsystemd ignores it.
        public static func parse(_ value: String?) -> Address? {
            guard let value, !value.isEmpty else { return nil }
            let limit = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
            if value.hasPrefix("@") {
                let name = String(value.dropFirst())
                return name.utf8.count + 1 <= limit ? .abstract(name) : nil
            }
            guard value.hasPrefix("/"), value.utf8.count < limit else { return nil }
            return .path(value)
        }
    }

    /// The watchdog interval systemd asked for, or nil: `WATCHDOG_USEC` (positive microseconds),
    /// for this process only when `WATCHDOG_PID` is set (it names the main pid).
    public static func watchdogInterval(usec: String?, pid: String?, ownPID: Int32) -> Double? {
        guard let usec, let micros = UInt64(usec), micros > 0 else { return nil }
        if let pid, !pid.isEmpty {
            guard let owner = Int32(pid), owner == ownPID else { return nil }
        }
        return Double(micros) / 1_000_000
    }

    /// Whether to send `WATCHDOG=1` now: the consumer loop was seen alive within the interval.
    public static func shouldPetWatchdog(now: Double, lastPulse: Double, interval: Double) -> Bool {
        now - lastPulse < interval
    }

    /// The notification socket, nil when the worker is not run by systemd with `Type=notify`.
    public let address: Address?
    /// The watchdog interval in seconds, nil when the watchdog is off.
    public let watchdogInterval: Double?
    private let socket: Int32
    /// When the consumer loop last passed (monotonic seconds).
    private let pulse = Atomic<UInt64>(0)

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from the environment.
    public convenience init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(
            address: Address.parse(environment["NOTIFY_SOCKET"]),
            watchdogInterval: Self.watchdogInterval(
                usec: environment["WATCHDOG_USEC"], pid: environment["WATCHDOG_PID"], ownPID: getpid()))
    }

    init(address: Address?, watchdogInterval: Double?) {
        self.address = address
        self.watchdogInterval = address == nil ? nil : watchdogInterval
        self.socket =
            address == nil ? -1 : Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        pulse.store(Self.monotonicNanoseconds(), ordering: .relaxed)
    }

    deinit { if socket >= 0 { close(socket) } }

    /// `READY=1`: consuming.
    public func ready(status: String) { send("READY=1\nSTATUS=\(status)\nMAINPID=\(getpid())") }

    /// `RELOADING=1` with the monotonic time, as systemd wants it for a reload.
    public func reloading() {
        send("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicNanoseconds() / 1000)\nSTATUS=Restarting (SIGHUP)")
    }

    /// `STOPPING=1`: the shutdown began.
    public func stopping() { send("STOPPING=1\nSTATUS=Shutting down") }

    /// `STATUS=...` alone.
    public func status(_ text: String) { send("STATUS=\(text)") }

    /// The consumer loop passed: what the watchdog checks.
    public func consumerPulse() { pulse.store(Self.monotonicNanoseconds(), ordering: .relaxed) }

    /// Sends `WATCHDOG=1` if the consumer loop was alive within the interval; returns whether it did.
    @discardableResult
    public func petWatchdog() -> Bool {
        guard let interval = watchdogInterval else { return false }
        let now = Double(Self.monotonicNanoseconds()) / 1e9
        let last = Double(pulse.load(ordering: .relaxed)) / 1e9
        guard Self.shouldPetWatchdog(now: now, lastPulse: last, interval: interval) else { return false }
        send("WATCHDOG=1")
        return true
    }

    /// Sends one datagram, never blocking (a listener that does not read cannot stall the worker);
    /// errors are ignored, as `sd_notify` callers do.
    public func send(_ message: String) {
        guard socket >= 0, let address else { return }
        var target = sockaddr_un()
        target.sun_family = sa_family_t(AF_UNIX)
        let name: [UInt8]
        let abstract: Bool
        switch address {
        case .path(let path):
            name = Array(path.utf8)
            abstract = false
        case .abstract(let value):
            name = Array(value.utf8)
            abstract = true
        }
        let length = withUnsafeMutableBytes(of: &target.sun_path) { raw -> Int in
            raw.initializeMemory(as: UInt8.self, repeating: 0)
            let start = abstract ? 1 : 0
            for (index, byte) in name.enumerated() { raw[start + index] = byte }
            return start + name.count
        }
        let size = socklen_t(MemoryLayout<sa_family_t>.size + length + (abstract ? 0 : 1))
        var bytes = Array(message.utf8)
        _ = withUnsafePointer(to: &target) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                sendto(socket, &bytes, bytes.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT), socketAddress, size)
            }
        }
    }

    private static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
