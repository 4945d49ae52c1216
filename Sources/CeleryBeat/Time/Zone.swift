import Foundation

/// An IANA time zone with Python `zoneinfo`'s rules for turning readings into instants: a
/// reading that happens twice (clocks went back) is the first with `fold` 0 and the second with
/// `fold` 1; a reading that never happens (clocks went forward) takes the offset in force
/// before the change with `fold` 0 (02:30 in New York on the spring-forward day is 07:30 UTC),
/// the one after with `fold` 1.
public struct Zone: Sendable, Hashable {
    /// The IANA key, e.g. `America/Mexico_City`.
    public let identifier: String
    private let zone: TimeZone

    /// The zone, or nil when Foundation does not know the key.
    public init?(_ identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        self.zone = zone
    }

    /// UTC.
    public static let utc = Zone("UTC")!

    public static func == (lhs: Zone, rhs: Zone) -> Bool { lhs.identifier == rhs.identifier }
    public func hash(into hasher: inout Hasher) { hasher.combine(identifier) }

    /// The UTC offset in seconds at an instant (microseconds since the epoch).
    public func offset(at instant: Int64) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(floorDivide(instant, 1_000_000))))
    }

    /// The instant (microseconds since the epoch) of a reading.
    public func instant(of wall: WallTime) -> Int64 {
        let naive = wall.naiveMicroseconds
        let day: Int64 = 86_400_000_000
        let before = Int64(offset(at: naive - day)) * 1_000_000
        let after = Int64(offset(at: naive + day)) * 1_000_000
        let early = naive - before
        guard before != after else { return early }
        let late = naive - after
        let earlyHolds = Int64(offset(at: early)) * 1_000_000 == before
        let lateHolds = Int64(offset(at: late)) * 1_000_000 == after
        switch (earlyHolds, lateHolds) {
        case (true, true): return wall.fold == 1 ? late : early
        case (true, false): return early
        case (false, true): return late
        case (false, false): return wall.fold == 1 ? late : early
        }
    }

    /// The reading of an instant, with `fold` 1 for the second pass through a repeated hour.
    public func wall(at instant: Int64) -> WallTime {
        let offset = Int64(offset(at: instant)) * 1_000_000
        var wall = WallTime(naiveMicroseconds: instant + offset)
        wall.fold = 0
        if self.instant(of: wall) != instant {
            wall.fold = 1
            if self.instant(of: wall) != instant { wall.fold = 0 }
        }
        return wall
    }

    private func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        let quotient = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
    }
}
