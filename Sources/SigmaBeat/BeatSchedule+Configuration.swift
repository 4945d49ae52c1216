import CeleryBeat
import CeleryWire
import SigmaDatabase

/// The entries `DatabaseScheduler.setup_schedule` writes into the tables at start-up: Celery's
/// `celery.backend_cleanup` (daily at 04:00 in the app's zone, while results expire), then
/// `beat_schedule`, which Celery reads from `settings.py` and we from `CELERY_BEAT_SCHEDULE`, a
/// JSON object of the same shape:
///
/// ```json
/// {"limpieza": {"task": "servicio_tecnico.limpiar", "schedule": 600,
///               "args": [1], "kwargs": {}, "options": {"queue": "mantenimiento", "expire_seconds": 60}},
///  "reporte": {"task": "servicio_tecnico.reporte",
///              "schedule": {"crontab": {"minute": "30", "hour": "7", "day_of_week": "mon-fri"}}}}
/// ```
public enum ConfiguredSchedule {
    /// A bad `CELERY_BEAT_SCHEDULE`.
    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The entries to write, in order.
    ///
    /// - Parameters:
    ///   - json: `CELERY_BEAT_SCHEDULE`, or nil.
    ///   - zone: Celery's `timezone` (the crontab rows' zone).
    ///   - resultExpires: `result_expires` in seconds; 0 or nil: no cleanup entry.
    public static func entries(json: String?, zone: Zone, resultExpires: Double?) throws(Invalid)
        -> [ConfiguredPeriodicTask]
    {
        var entries: [ConfiguredPeriodicTask] = []
        if let resultExpires, resultExpires > 0 {
            entries.append(
                ConfiguredPeriodicTask(
                    name: "celery.backend_cleanup", task: "celery.backend_cleanup",
                    schedule: .crontab(
                        minute: "0", hour: "4", dayOfWeek: "*", dayOfMonth: "*", monthOfYear: "*",
                        timezone: zone.identifier), expireSeconds: 12 * 3600))
        }
        guard let json, !json.trimmingWhitespace().isEmpty else { return entries }
        let parsed: JSONValue
        do {
            parsed = try JSONParser().parse(Array(json.utf8))
        } catch {
            throw Invalid(description: "CELERY_BEAT_SCHEDULE is not JSON: \(error)")
        }
        guard let object = parsed.objectValue else {
            throw Invalid(description: "CELERY_BEAT_SCHEDULE must be an object")
        }
        let dumps = JSONSerializer()
        for member in object.members {
            guard let entry = member.value.objectValue, let task = entry["task"]?.stringValue else {
                throw Invalid(description: "CELERY_BEAT_SCHEDULE[\(member.key)] needs a \"task\"")
            }
            let schedule: PeriodicTaskRecord.Schedule
            if let seconds = entry["schedule"]?.doubleValue {
                schedule = .interval(every: Int(max(seconds, 0)), period: "seconds")
            } else if let cron = entry["schedule"]?.objectValue?["crontab"]?.objectValue {
                func field(_ name: String) -> String {
                    cron[name]?.stringValue ?? cron[name].map { dumps.string($0) } ?? "*"
                }
                schedule = .crontab(
                    minute: field("minute"), hour: field("hour"), dayOfWeek: field("day_of_week"),
                    dayOfMonth: field("day_of_month"), monthOfYear: field("month_of_year"),
                    timezone: cron["timezone"]?.stringValue ?? zone.identifier)
            } else {
                throw Invalid(
                    description: "CELERY_BEAT_SCHEDULE[\(member.key)].schedule must be seconds or {\"crontab\": {…}}")
            }
            let options = entry["options"]?.objectValue ?? JSONObject()
            let args = entry["args"].flatMap { $0.isNull ? nil : $0 } ?? .array([])
            let kwargs = entry["kwargs"].flatMap { $0.isNull ? nil : $0 } ?? .object(JSONObject())
            entries.append(
                ConfiguredPeriodicTask(
                    name: member.key, task: task, schedule: schedule, args: dumps.string(args),
                    kwargs: dumps.string(kwargs), queue: options["queue"]?.stringValue,
                    exchange: options["exchange"]?.stringValue, routingKey: options["routing_key"]?.stringValue,
                    priority: options["priority"]?.intValue.map(Int.init),
                    headers: dumps.string(options["headers"] ?? .object(JSONObject())),
                    expireSeconds: options["expire_seconds"]?.intValue.map(Int.init)))
        }
        return entries
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
