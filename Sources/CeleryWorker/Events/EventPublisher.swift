import CeleryWire
import Foundation
import Logging
import Synchronization

/// Monitoring events (celery-wire.md §7): worker-online, a heartbeat every 2 s and
/// worker-offline always; task events with `-E`, `CELERY_WORKER_SEND_TASK_EVENTS` or the
/// `enable_events` control command. Published fire-and-forget on the broker connection. Owns the
/// Lamport clock that remote control shares.
final class EventPublisher: Sendable {
    /// Seconds between heartbeats, as `freq` says.
    static let heartbeatInterval = 2.0

    private let configuration: WorkerConfiguration
    private let broker: any BrokerTransport
    private let taskEvents: Atomic<Bool>
    private let clock = Mutex(0)

    init(configuration: WorkerConfiguration, broker: any BrokerTransport) {
        self.configuration = configuration
        self.broker = broker
        self.taskEvents = Atomic(configuration.sendTaskEvents)
    }

    /// Whether task events are on.
    var taskEventsEnabled: Bool { taskEvents.load(ordering: .relaxed) }

    /// Turns task events on or off (`enable_events` / `disable_events`); returns whether they were on.
    func setTaskEvents(_ enabled: Bool) -> Bool {
        taskEvents.exchange(enabled, ordering: .relaxed)
    }

    /// Advances the clock past a remote one (remote control) and returns it.
    func observe(_ remote: Int?) -> Int {
        clock.withLock { clock in
            clock = max(clock, remote ?? 0) + 1
            return clock
        }
    }

    /// Publishes a task event while task events are enabled (the fields are only built then).
    func task(_ type: String, _ fields: @autoclosure () -> JSONObject) {
        guard taskEventsEnabled else { return }
        send(type, fields())
    }

    /// Publishes an event.
    func send(_ type: String, _ fields: JSONObject = JSONObject()) {
        let event = CeleryEvent(type: type, fields: fields)
        let tick = observe(nil)
        let body = event.body(
            hostname: configuration.hostname, pid: Int(getpid()), clock: tick, timestamp: Date().timeIntervalSince1970,
            secondsFromGMT: TimeZone.current.secondsFromGMT())
        let envelope = event.envelope(
            body: body, hostname: configuration.hostname, deliveryTag: UUID().uuidString.lowercased())
        broker.publishEvent(
            channel: event.channel(database: configuration.brokerURL.database, keys: configuration.brokerKeys),
            payload: envelope.encoded())
    }

    /// `worker-online`, `worker-heartbeat`, `worker-offline`.
    func worker(_ type: String, active: Int, processed: Int, frequency: Double = EventPublisher.heartbeatInterval) {
        var load = [Double](repeating: 0, count: 3)
        _ = getloadavg(&load, 3)
        send(
            type,
            JSONObject([
                ("freq", .double(frequency)), ("active", .int(Int64(active))), ("processed", .int(Int64(processed))),
                ("loadavg", .array(load.map { .double(($0 * 100).rounded() / 100) })), ("sw_ident", "sigma-worker"),
                ("sw_ver", "1.0"), ("sw_sys", "Linux"),
            ]))
    }

    /// `task-received`.
    func received(_ request: TaskRequest) {
        task(
            "task-received",
            JSONObject([
                ("uuid", .string(request.id)), ("name", .string(request.task)),
                ("args", .string(request.argsRepr ?? PythonRepr.tuple(request.args))),
                ("kwargs", .string(request.kwargsRepr ?? PythonRepr.dict(request.kwargs))),
                ("root_id", request.rootID.map(JSONValue.string) ?? .null),
                ("parent_id", request.parentID.map(JSONValue.string) ?? .null),
                ("retries", .int(Int64(request.retries))),
                ("eta", request.etaText.map(JSONValue.string) ?? .null),
                ("expires", request.expiresText.map(JSONValue.string) ?? .null),
            ]))
    }
}
