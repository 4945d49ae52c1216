import Foundation

/// A solar event at a place (Celery's `solar`, django-celery-beat's `SolarSchedule`): due when
/// the next event after `last_run_at` has come. The events and their horizons are Celery's;
/// risings and settings are found as PyEphem's `next_rising`/`next_setting` find them (hour
/// angle iterations, no refraction, the Sun's upper limb for sunrise and sunset), and a day
/// on which the event does not happen is skipped from anti-transit to anti-transit, for at
/// most 366 days, as `solar._next_event` does.
public struct SolarSchedule: Sendable, Hashable {
    /// Celery's event names.
    public enum Event: String, Sendable, CaseIterable {
        case dawnAstronomical = "dawn_astronomical"
        case dawnNautical = "dawn_nautical"
        case dawnCivil = "dawn_civil"
        case sunrise
        case solarNoon = "solar_noon"
        case sunset
        case duskCivil = "dusk_civil"
        case duskNautical = "dusk_nautical"
        case duskAstronomical = "dusk_astronomical"

        /// The altitude of the event, degrees.
        var horizon: Double {
            switch self {
            case .dawnAstronomical, .duskAstronomical: -18
            case .dawnNautical, .duskNautical: -12
            case .dawnCivil, .duskCivil: -6
            case .sunrise, .sunset: -34.0 / 60
            case .solarNoon: 0
            }
        }

        /// Twilights are measured at the Sun's centre, sunrise and sunset at its upper limb.
        var usesCenter: Bool {
            switch self {
            case .sunrise, .sunset, .solarNoon: false
            default: true
            }
        }

        var isRising: Bool {
            switch self {
            case .dawnAstronomical, .dawnNautical, .dawnCivil, .sunrise: true
            default: false
            }
        }
    }

    /// What Celery rejects when the schedule is built (its `ValueError`s).
    public struct Invalid: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    public let event: Event
    /// Degrees, north positive.
    public let latitude: Double
    /// Degrees, east positive.
    public let longitude: Double
    /// Days searched for an event that does not happen every day (`max_search_days`).
    public static let maxSearchDays = 366

    public init(event: Event, latitude: Double, longitude: Double) {
        self.event = event
        self.latitude = latitude
        self.longitude = longitude
    }

    /// A row's values, checked as Celery's constructor checks them.
    public init(event name: String, latitude: Double, longitude: Double) throws(Invalid) {
        guard let event = Event(rawValue: name) else {
            let all = Event.allCases.map(\.rawValue).sorted().joined(separator: ", ")
            throw Invalid(description: "Invalid solar event '\(name)'. Choose one of: \(all).")
        }
        guard (-90...90).contains(latitude) else {
            throw Invalid(description: "Invalid latitude \(latitude) (must be between -90 and 90).")
        }
        guard (-180...180).contains(longitude) else {
            throw Invalid(description: "Invalid longitude \(longitude) (must be between -180 and 180).")
        }
        self.init(event: event, latitude: latitude, longitude: longitude)
    }

    /// Celery's `is_due`: due once the first event after `last_run_at` has passed, and then the
    /// next check is the event after now.
    public func isDue(lastRunAt: Int64, now: Int64) -> ScheduleState {
        let remaining = max(remaining(lastRunAt: lastRunAt, now: now), 0)
        if remaining == 0 { return ScheduleState(isDue: true, next: max(self.remaining(lastRunAt: now, now: now), 0)) }
        return ScheduleState(isDue: false, next: remaining)
    }

    /// `remaining_estimate`: seconds from `now` to the first event after `lastRunAt`.
    public func remaining(lastRunAt: Int64, now: Int64) -> Double {
        let next = nextEvent(after: Double(lastRunAt) / 1e6)
        return ((next * 1e6).rounded() - Double(now)) / 1e6
    }

    /// The first occurrence after `start` (Unix seconds), or where the search stopped.
    public func nextEvent(after start: Double) -> Double {
        var start = start
        for _ in 0..<Self.maxSearchDays {
            if event == .solarNoon { return transit(after: start, offset: 0) }
            if let found = riseOrSet(after: start) { return found }
            start = transit(after: start, offset: .pi)
        }
        return start
    }

    // MARK: - PyEphem's searches

    static let day = 86_400.0
    /// `default_newton_precision`: a tenth of a second.
    static let precision = 0.1
    static let tau = 2 * Double.pi

    /// Python's `%` for a positive modulus.
    static func modulo(_ value: Double, _ modulus: Double) -> Double {
        let rest = value.truncatingRemainder(dividingBy: modulus)
        return rest < 0 ? rest + modulus : rest
    }

    static func plusMinusPi(_ angle: Double) -> Double { modulo(angle - .pi, tau) - .pi }

    private var latitudeRadians: Double { latitude * SunPlace.degree }
    private var longitudeRadians: Double { longitude * SunPlace.degree }

    /// The local hour angle of the Sun at `time` (seconds), with its place.
    private func hourAngle(_ time: Double) -> (Double, SunPlace) {
        let sun = SunPlace(unixSeconds: time)
        return (sun.siderealTime + longitudeRadians - sun.rightAscension, sun)
    }

    /// `_find_rise_or_set` forward: nil where PyEphem raises `CircumpolarError`.
    func riseOrSet(after start: Double) -> Double? {
        var date = start
        var first = true
        var circumpolar = false
        for _ in 0..<7 {
            let (ha, sun) = hourAngle(date)
            var horizon = event.horizon * SunPlace.degree
            if !event.usesCenter { horizon -= sun.radius }
            let argument =
                (sin(horizon) - sin(latitudeRadians) * sin(sun.declination))
                / (cos(latitudeRadians) * cos(sun.declination))
            let target: Double
            if argument < -1 {
                target = Double.pi + 1e-15
                circumpolar = true
            } else if argument > 1 {
                target = -1e-15
                circumpolar = true
            } else {
                target = acos(argument)
                circumpolar = false
            }
            var difference = (event.isRising ? -target : target) - ha
            var bump: Double
            if first {
                difference = Self.modulo(difference, Self.tau)
                bump = difference / Self.tau * Self.day
                if abs(bump) < Self.precision { bump += Self.day }
                first = false
            } else {
                bump = Self.plusMinusPi(difference) / Self.tau * Self.day
            }
            if abs(bump) < Self.precision { break }
            date += bump
        }
        return circumpolar ? nil : date
    }

    /// `_compute_transit` forward: the next meridian (`offset` 0) or anti-meridian (π) passage.
    func transit(after start: Double, offset: Double) -> Double {
        let (ha, _) = hourAngle(start)
        var move = Self.modulo(offset - ha, Self.tau)
        if abs(move) < Double.pi / 180 / 3600 / 360 { move = Self.tau }
        func f(_ time: Double) -> Double {
            let sun = SunPlace(unixSeconds: time)
            return Self.plusMinusPi(offset - (sun.siderealTime + longitudeRadians) + sun.rightAscension)
        }
        var x0 = start + move / Self.tau * Self.day
        var x1 = x0 + 60
        var f0 = f(x0)
        var f1 = f(x1)
        while f1 != 0, abs(x1 - x0) > Self.precision, f1 != f0 {
            (x0, x1) = (x1, x1 + (x1 - x0) / (f0 / f1 - 1))
            (f0, f1) = (f1, f(x1))
        }
        return x1
    }
}
