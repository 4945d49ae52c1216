import CeleryWire

extension BeatEntry {
    /// The task message Python's beat publishes for this entry (`Scheduler.apply_async` →
    /// `app.send_task`), or nil when the row's arguments are not JSON (it is disabled instead).
    ///
    /// Routing is `send_task_message`'s: with a queue (the row's, else `task_default_queue` when
    /// no exchange is named) and no exchange or routing key, the message goes to that queue
    /// through the default exchange; a row naming both an exchange and a routing key is sent to
    /// them as they are. The row's headers, `periodic_task_name` and `celery_beat_task` are added
    /// to the message headers. `expires` is the row's time, or `expire_seconds` from `now` on the
    /// app's clock, with the `expiration` property in milliseconds.
    ///
    /// - Parameters:
    ///   - now: the send time (µs since the epoch).
    ///   - appZone: Celery's `timezone` (the offset `expires` is written with).
    ///   - defaultQueue: `task_default_queue`.
    ///   - origin: the sending node (`gen<pid>@<host>` for a Python beat).
    ///   - id: the new task's id.
    public func message(
        now: Int64, appZone: Zone, defaultQueue: String = "celery", origin: String, id: String = TaskMessage.newID()
    ) -> TaskMessage? {
        guard let arguments else { return nil }
        let queue = row.queue ?? (row.exchange == nil ? defaultQueue : nil)
        var exchange = row.exchange ?? ""
        var routingKey = row.routingKey ?? ""
        if exchange.isEmpty || routingKey.isEmpty {
            exchange = ""
            routingKey = queue ?? defaultQueue
        }
        var message = TaskMessage(
            id: id, task: row.task, args: arguments.args, kwargs: arguments.kwargs, routingKey: routingKey,
            exchange: exchange)
        message.origin = origin
        message.priority = row.priority ?? 0
        // `send_task` leaves `ignore_result` unset unless the options name it; the arguments
        // are the JSON list the row holds, shown as a list (an empty one becomes `()`).
        message.ignoreResult = nil
        if !arguments.args.isEmpty {
            message.argsRepr = PythonRepr.truncated(PythonRepr.repr(.array(arguments.args)))
        }
        var headers = self.headers
        headers["celery_beat_task"] = .bool(true)
        message.customHeaders = headers
        if let expires = row.expires {
            message.expires = Self.isoFormat(expires, zone: .utc)
            message.extraProperties["expiration"] = .string(String(max(0, (expires - now) / 1000)))
        } else if let seconds = row.expireSeconds {
            message.expires = Self.isoFormat(now + Int64(seconds) * 1_000_000, zone: appZone)
            message.extraProperties["expiration"] = .string(String(seconds * 1000))
        }
        return message
    }

    /// Python's `datetime.isoformat()` of an instant in a zone: `YYYY-MM-DDTHH:MM:SS[.ffffff]±HH:MM`.
    static func isoFormat(_ instant: Int64, zone: Zone) -> String {
        let wall = zone.wall(at: instant)
        let offset = zone.offset(at: instant)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text =
            "\(pad(wall.year, 4))-\(pad(wall.month, 2))-\(pad(wall.day, 2))T\(pad(wall.hour, 2)):\(pad(wall.minute, 2)):\(pad(wall.second, 2))"
        if wall.microsecond != 0 { text += "." + pad(wall.microsecond, 6) }
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        text += "\(sign)\(pad(magnitude / 3600, 2)):\(pad(magnitude / 60 % 60, 2))"
        if magnitude % 60 != 0 { text += ":\(pad(magnitude % 60, 2))" }
        return text
    }
}
