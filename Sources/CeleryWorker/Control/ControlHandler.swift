import CeleryWire
import Foundation
import Logging

/// Remote control (celery-wire.md §8): what `celery inspect`, `celery control`, `celery status`
/// and `app.control.*` ask a worker, answered as the Python worker answers.
struct ControlHandler: Sendable {
    let runtime: WorkerRuntime

    private var configuration: WorkerConfiguration { runtime.configuration }
    private var registry: TaskRegistry { runtime.registry }
    private var logger: Logger { runtime.logger }
    private typealias Entry = DeliveryStateMachine<ReservedMessage>.Entry

    /// Handles one request addressed to this node and publishes the reply, if one is expected.
    func handle(_ request: ControlRequest) async {
        let node = configuration.hostname
        guard request.isAddressed(to: node) else { return }
        let clock = runtime.events.observe(request.clock)
        guard let value = answer(request, clock: clock) else { return }
        guard let envelope = request.reply(value, node: node, clock: clock, deliveryTag: UUID().uuidString.lowercased())
        else {
            return
        }
        do {
            try await runtime.broker.publish(envelope)
        } catch {
            logger.error(
                "Could not send the remote-control reply",
                metadata: ["method": "\(request.method)", "error": "\(error)"])
        }
    }

    /// The handler's result, or nil for commands that never reply.
    func answer(_ request: ControlRequest, clock: Int) -> JSONValue? {
        let arguments = request.arguments
        switch request.method {
        case "ping":
            return ["ok": "pong"]
        case "clock":
            return ["clock": .int(Int64(clock))]
        case "hello":
            guard arguments["from_node"]?.stringValue != configuration.hostname else { return nil }
            runtime.revoke(arguments["revoked"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            let revoked = runtime.deliveries.withLock { $0.revoked.sorted }
            return ["revoked": .array(revoked.map(JSONValue.string)), "clock": .int(Int64(clock))]
        case "revoked":
            return .array(runtime.deliveries.withLock { $0.revoked.sorted }.map(JSONValue.string))
        case "registered":
            return .array(registry.names.sorted().map(JSONValue.string))
        case "active":
            return .array(
                held([.running, .finishing]).map {
                    requestInfo($0.message, startedAt: $0.startedAt, acknowledged: $0.acknowledged)
                })
        case "reserved":
            return .array(held([.reserved]).map { requestInfo($0.message, startedAt: nil, acknowledged: false) })
        case "scheduled":
            return .array(
                held([.scheduled]).map { entry in
                    [
                        "eta": .string(entry.message.request.etaText ?? ""), "priority": 6,
                        "request": requestInfo(entry.message, startedAt: nil, acknowledged: false),
                    ]
                })
        case "query_task":
            return .object(queryTasks(ids: Self.ids(arguments["ids"])))
        case "revoke":
            let ids = Self.ids(arguments["task_id"])
            runtime.revoke(ids)
            logger.info("Tasks flagged as revoked: \(ids.joined(separator: ", "))")
            if arguments["terminate"]?.boolValue == true {
                logger.warning("Revoke with terminate: running tasks are not interrupted (tasks run in-process)")
            }
            return ["ok": .string("tasks {\(ids.map { "'\($0)'" }.joined(separator: ", "))} flagged as revoked")]
        case "time_limit":
            guard let name = arguments["task_name"]?.stringValue, registry.task(named: name) != nil else {
                return ["error": "unknown task"]
            }
            let limits = TimeLimit(hard: arguments["hard"]?.doubleValue, soft: arguments["soft"]?.doubleValue)
            runtime.limits.withLock { $0[name] = limits }
            logger.info(
                "New time limits for tasks of type \(name): soft=\(limits.soft.map(WorkerRuntime.seconds) ?? "None") hard=\(limits.hard.map(WorkerRuntime.seconds) ?? "None")"
            )
            return ["ok": "time limits set successfully"]
        case "rate_limit":
            return ["error": "rate limits are not supported by sigma-worker"]
        case "stats":
            return stats(clock: clock)
        case "conf":
            return .object(settings())
        case "active_queues":
            return .array(configuration.queues.map(ControlReplies.queueInfo))
        case "enable_events":
            return ["ok": runtime.events.setTaskEvents(true) ? "task events already enabled" : "task events enabled"]
        case "disable_events":
            return ["ok": runtime.events.setTaskEvents(false) ? "task events disabled" : "task events already disabled"]
        case "heartbeat":
            let (active, processed) = runtime.deliveries.withLock { ($0.running, $0.processed) }
            runtime.events.worker("worker-heartbeat", active: active, processed: processed, frequency: 5)
            return nil
        case "shutdown":
            logger.warning("Got shutdown from remote")
            runtime.requestStop()
            return nil
        default:
            return ["error": .string("KeyError(\(PythonRepr.repr(.string(request.method))))")]
        }
    }

    /// Held messages in some phases, oldest first (running ones by start time).
    private func held(_ phases: Set<DeliveryStateMachine<ReservedMessage>.Phase>) -> [Entry] {
        runtime.deliveries.withLock { machine in machine.entries.values.filter { phases.contains($0.phase) } }
            .sorted { ($0.startedAt ?? $0.receivedAt, $0.receivedAt) < ($1.startedAt ?? $1.receivedAt, $1.receivedAt) }
    }

    /// `query_task`: the state (`active`, `reserved`, `scheduled`) and info of known ids.
    private func queryTasks(ids: [String]) -> JSONObject {
        let wanted = Set(ids)
        var found = JSONObject()
        for entry in held([.running, .finishing, .reserved, .scheduled]) where wanted.contains(entry.taskID) {
            switch entry.phase {
            case .running, .finishing:
                found[entry.taskID] = [
                    "active", requestInfo(entry.message, startedAt: entry.startedAt, acknowledged: entry.acknowledged),
                ]
            case .reserved, .scheduled:
                let kind = entry.phase == .scheduled ? "scheduled" : "reserved"
                found[entry.taskID] = [.string(kind), requestInfo(entry.message, startedAt: nil, acknowledged: false)]
            }
        }
        return found
    }

    /// The request info Celery shows for a task.
    private func requestInfo(_ message: ReservedMessage, startedAt: Double?, acknowledged: Bool) -> JSONValue {
        ControlReplies.requestInfo(
            message.request, hostname: configuration.hostname, startedAt: startedAt, acknowledged: acknowledged,
            pid: Int(getpid()))
    }

    /// `stats`: the parts a monitoring tool reads (totals, pid, clock, uptime, pool, broker, prefetch).
    private func stats(clock: Int) -> JSONValue {
        let totals = runtime.totals.withLock { $0 }
        var total = JSONObject()
        for name in totals.keys.sorted() { total[name] = .int(Int64(totals[name] ?? 0)) }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let broker: JSONValue
        switch configuration.brokerURL.endpoint {
        case .tcp(let host, let port):
            broker = [
                "hostname": .string(host), "port": .int(Int64(port)), "transport": "redis",
                "virtual_host": .string(String(configuration.brokerURL.database)),
            ]
        case .unix(let path):
            broker = [
                "hostname": .string(path), "transport": "redis+socket",
                "virtual_host": .string(String(configuration.brokerURL.database)),
            ]
        }
        return [
            "total": .object(total), "pid": .int(Int64(getpid())), "clock": .string(String(clock)),
            "uptime": .int(Int64(Date().timeIntervalSince(runtime.startedAt))),
            "pool": [
                "implementation": "sigma-worker (Swift concurrency, in-process)",
                "max-concurrency": .int(Int64(configuration.concurrency)), "processes": [.int(Int64(getpid()))],
                "max-tasks-per-child": configuration.maxTasksPerChild.map { .int(Int64($0)) } ?? "N/A",
                "put-guarded-by-semaphore": false,
                "timeouts": [
                    configuration.softTimeLimit.map(JSONValue.double) ?? 0,
                    configuration.timeLimit.map(JSONValue.double) ?? 0,
                ],
                "writes": JSONValue.object(JSONObject()),
            ],
            "broker": broker, "prefetch_count": .int(Int64(configuration.prefetchLimit)),
            "rusage": [
                "utime": .double(Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6),
                "stime": .double(Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6),
                "maxrss": .int(Int64(usage.ru_maxrss)),
            ],
        ]
    }

    /// `conf`: the settings in effect, under Celery's names (passwords masked, as Celery does).
    private func settings() -> JSONObject {
        var settings: JSONObject = [
            "broker_url": .string("\(configuration.brokerURL)"),
            "result_backend": configuration.backendURL.map { .string("\($0)") } ?? .null,
            "result_expires": configuration.resultExpires.map { .int(Int64($0)) } ?? .null,
            "task_default_queue": .string(configuration.defaultQueue),
            "task_acks_late": .bool(configuration.acksLate), "task_track_started": .bool(configuration.trackStarted),
            "task_soft_time_limit": configuration.softTimeLimit.map(JSONValue.double) ?? .null,
            "task_time_limit": configuration.timeLimit.map(JSONValue.double) ?? .null,
            "worker_concurrency": .int(Int64(configuration.concurrency)),
            "worker_prefetch_multiplier": .int(Int64(configuration.prefetchMultiplier)),
            "worker_send_task_events": .bool(runtime.events.taskEventsEnabled),
            "broker_transport_options": ["visibility_timeout": .double(configuration.visibilityTimeout)],
        ]
        let prefix = configuration.brokerKeys.prefix
        if !prefix.isEmpty {
            settings["broker_transport_options"] = [
                "visibility_timeout": .double(configuration.visibilityTimeout), "global_keyprefix": .string(prefix),
            ]
        }
        return settings
    }

    /// A task id or a list of them.
    private static func ids(_ value: JSONValue?) -> [String] {
        if let id = value?.stringValue { return [id] }
        return value?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}
