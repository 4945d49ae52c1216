import CeleryBeat
import Foundation
import SigmaDatabase

extension PeriodicTaskRecord {
    /// Why a row's schedule cannot be used (an unknown zone or period, a bad crontab field, an
    /// unknown solar event or a coordinate out of range): the row is skipped, as django-celery-beat skips rows whose schedule
    /// raises `ValueError`.
    public struct UnusableSchedule: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The row for the scheduler: times in microseconds since the epoch, the schedule parsed.
    public func beatRow() throws(UnusableSchedule) -> PeriodicTaskRow {
        func micro(_ date: Date?) -> Int64? { date.map { Int64(($0.timeIntervalSince1970 * 1e6).rounded()) } }
        var parsed: BeatSchedule?
        switch schedule {
        case nil:
            parsed = nil
        case .interval(let every, let period):
            guard let unit = IntervalSchedule.Period(rawValue: period) else {
                throw UnusableSchedule(description: "unknown interval period '\(period)'")
            }
            parsed = .interval(IntervalSchedule(every: every, period: unit))
        case .crontab(let minute, let hour, let dayOfWeek, let dayOfMonth, let monthOfYear, let timezone):
            guard let zone = Zone(timezone) else {
                throw UnusableSchedule(description: "unknown time zone '\(timezone)'")
            }
            do {
                parsed = .crontab(
                    try CrontabSchedule(
                        minute: minute, hour: hour, dayOfWeek: dayOfWeek, dayOfMonth: dayOfMonth,
                        monthOfYear: monthOfYear, zone: zone))
            } catch {
                throw UnusableSchedule(description: error.message)
            }
        case .clocked(let time):
            parsed = .clocked(ClockedSchedule(clockedTime: micro(time)!))
        case .solar(let event, let latitude, let longitude):
            guard let lat = Double(latitude), let lon = Double(longitude) else {
                throw UnusableSchedule(
                    description: "solar schedule '\(event)' at \(latitude), \(longitude): not numbers")
            }
            do {
                parsed = .solar(try SolarSchedule(event: event, latitude: lat, longitude: lon))
            } catch {
                throw UnusableSchedule(description: error.description)
            }
        }
        return PeriodicTaskRow(
            id: id, name: name, task: task, schedule: parsed, args: args, kwargs: kwargs, queue: queue,
            exchange: exchange, routingKey: routingKey, headers: headers, priority: priority, expires: micro(expires),
            expireSeconds: expireSeconds, oneOff: oneOff, startTime: micro(startTime), enabled: enabled,
            lastRunAt: micro(lastRunAt), totalRunCount: totalRunCount, dateChanged: micro(dateChanged))
    }
}
