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

    /// After `revoke`/`terminate`, as Celery 5.7's `_revoke`: every id not running here whose
    /// stored state is still PENDING, RECEIVED, RETRY or REJECTED is marked REVOKED (reason
    /// `revoked`) at once; a READY state is never overwritten, and a STARTED (or custom) state
    /// is left to the worker that set it.
    func markRevoked(_ ids: [String]) async {
        guard let backend = runtime.backend, !ids.isEmpty else { return }
        let running = Set(held([.running, .finishing]).map(\.taskID))
        let open: Set<TaskState> = [.pending, .received, .retry, TaskState(rawValue: "REJECTED")]
        for id in ids where !running.contains(id) {
            do {
                if let state = try await backend.fetch(taskID: id)?.status, !open.contains(state) { continue }
                let record = ResultRecord(
                    taskID: id, status: .revoked, result: ExceptionInfo.revoked("revoked").jsonValue,
                    dateDone: Date().timeIntervalSince1970)
                try await backend.store(record)
            } catch {
                logger.warning("Failed to mark task \(id) as revoked in backend: \(error)")
            }
        }
    }

    /// The handler's result, or nil for commands that never reply.
    func answer(_ request: ControlRequest, clock: Int) -> JSONValue? {
        let arguments = request.arguments
        let method = Self.aliases[request.method] ?? request.method
        if let refusal = ControlSignatures.check(method, arguments: arguments) { return ["error": .string(refusal)] }
        switch method {
        case "ping":
            return ["ok": "pong"]
        case "clock":
            return ["clock": .int(Int64(clock))]
        case "hello":
            guard arguments["from_node"]?.stringValue != configuration.hostname else { return .null }
            runtime.revoke(arguments["revoked"]?.arrayValue?.compactMap(\.stringValue) ?? [])
            let revoked = runtime.deliveries.withLock { $0.revoked.sorted }
            return ["revoked": .array(revoked.map(JSONValue.string)), "clock": .int(Int64(clock))]
        case "revoked":
            return .array(runtime.deliveries.withLock { $0.revoked.sorted }.map(JSONValue.string))
        case "registered":
            let builtins = arguments["builtins"]?.boolValue == true
            return .array(
                registry.names.sorted().filter { builtins || !$0.hasPrefix("celery.") }.map { name in
                    let limit = registry.task(named: name)?.options.rateLimit
                    return .string(limit.map { "\(name) [rate_limit=\($0)]" } ?? name)
                })
        case "active":
            let safe = arguments["safe"]?.boolValue == true
            return .array(
                held([.running, .finishing]).map {
                    requestInfo($0.message, startedAt: $0.startedAt, acknowledged: $0.acknowledged, safe: safe)
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
            return revoke(
                Self.ids(arguments["task_id"]), terminate: arguments["terminate"]?.boolValue == true,
                signal: arguments["signal"]?.stringValue)
        case "terminate":
            return revoke(Self.ids(arguments["task_id"]), terminate: true, signal: arguments["signal"]?.stringValue)
        case "revoke_by_stamped_headers":
            return revokeByStamps(
                arguments["headers"] ?? .object([:]), terminate: arguments["terminate"]?.boolValue == true,
                signal: arguments["signal"]?.stringValue)
        case "rate_limit":
            return rateLimit(task: arguments["task_name"]?.stringValue, rate: arguments["rate_limit"])
        case "pool_grow", "pool_shrink":
            let grow = request.method == "pool_grow"
            guard runtime.autoscaleBounds.withLock({ $0 }) == nil else {
                return [
                    "error": .string(
                        "\(request.method) is not supported with autoscale. Adjust autoscale range instead.")
                ]
            }
            if case .string = arguments["n"] {
                return ["error": "TypeError(\"'str' object cannot be interpreted as an integer\")"]
            }
            let step = Int(arguments["n"]?.doubleValue ?? 1)
            let count = runtime.resize(slots: runtime.slots + (grow ? step : -step))
            logger.info("Pool \(grow ? "grew" : "shrank") to \(count) slots (\(request.method) \(step))")
            return ["ok": .string(grow ? "pool will grow" : "pool will shrink")]
        case "autoscale":
            return autoscale(
                maximum: arguments["max"]?.doubleValue.map(Int.init),
                minimum: arguments["min"]?.doubleValue.map(Int.init))
        case "add_consumer":
            guard let queue = arguments["queue"]?.stringValue else {
                return ["error": "TypeError(\"add_consumer() missing 1 required positional argument: 'queue'\")"]
            }
            _ = runtime.addQueue(queue)
            return ["ok": .string("add consumer \(queue)")]
        case "cancel_consumer":
            guard let queue = arguments["queue"]?.stringValue else {
                return ["error": "TypeError(\"cancel_consumer() missing 1 required positional argument: 'queue'\")"]
            }
            _ = runtime.cancelQueue(queue)
            return ["ok": .string("no longer consuming from \(queue)")]
        case "pool_restart":
            guard configuration.poolRestarts else { return ["error": "ValueError('Pool restarts not enabled')"] }
            runtime.requestRestart()
            return ["ok": "reload started"]
        case "election":
            return .null  // no gossip: nothing is elected, as a Celery worker without gossip
        case "report":
            return ["ok": .string(report())]
        case "memsample":
            let rss = Self.residentBytes()
            runtime.memorySamples.withLock { $0.append(rss) }
            return .string(Self.humanBytes(rss))
        case "memdump":
            return .string(memdump(samples: Int(arguments["samples"]?.doubleValue ?? 10)))
        case "objgraph":
            return ["error": "ImportError('Requires the objgraph library')"]
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
        case "stats":
            return stats(clock: clock)
        case "conf":
            return .object(settings(withDefaults: arguments["with_defaults"]?.boolValue == true))
        case "active_queues":
            return .array(runtime.queues.map(ControlReplies.queueInfo))
        case "enable_events":
            return ["ok": runtime.events.setTaskEvents(true) ? "task events already enabled" : "task events enabled"]
        case "disable_events":
            return ["ok": runtime.events.setTaskEvents(false) ? "task events disabled" : "task events already disabled"]
        case "heartbeat":
            logger.debug("Heartbeat requested by remote.")
            let (active, processed) = runtime.deliveries.withLock { ($0.running, $0.processed) }
            runtime.events.worker("worker-heartbeat", active: active, processed: processed, frequency: 5)
            return .null  // Celery's handler returns None: a reply only when one was asked for
        case "shutdown":
            logger.warning("Got shutdown from remote")
            runtime.requestStop()
            return nil
        default:
            return ["error": .string("KeyError(\(PythonRepr.repr(.string(request.method))))")]
        }
    }

    /// Celery's other names for commands (`celery inspect dump_conf` ...).
    static let aliases = [
        "dump_conf": "conf", "dump_schedule": "scheduled", "dump_reserved": "reserved", "dump_active": "active",
        "dump_revoked": "revoked", "dump_tasks": "registered",
    ]

    /// `revoke` (and `terminate`): flag the ids; with `terminate`, running ones are cancelled
    /// (cooperative; a body that ignores it gets the process replaced) and stored REVOKED
    /// with reason `terminated`.
    private func revoke(_ ids: [String], terminate: Bool, signal: String?) -> JSONValue {
        runtime.revoke(ids)
        runtime.sideWork { await self.markRevoked(ids) }
        if terminate {
            let number: Int
            switch Self.signalNumber(signal) {
            case .success(let value): number = value
            case .failure(let refusal): return ["error": .string(refusal.repr)]
            }
            var terminated: [String] = []
            let wanted = Set(ids)
            for entry in held([.running]) where wanted.contains(entry.taskID) && !terminated.contains(entry.taskID) {
                logger.info("Terminating \(entry.taskID) (\(number))")
                entry.message.termination.terminate()
                terminated.append(entry.taskID)
            }
            return [
                "ok": .string(
                    terminated.isEmpty ? "terminate: tasks unknown" : "terminate: " + terminated.joined(separator: ", ")
                )
            ]
        }
        logger.info("Tasks flagged as revoked: \(ids.joined(separator: ", "))")
        return ["ok": .string("tasks {\(ids.map { "'\($0)'" }.joined(separator: ", "))} flagged as revoked")]
    }

    /// A Python exception a handler raised, as its reply carries it.
    struct Refusal: Error {
        let repr: String
    }

    /// A signal name (`TERM`, `SIGKILL`) or number, as Celery's `signum`: TERM by default, an
    /// upper-case name with or without `SIG`; anything else is refused with Celery's exception.
    static func signalNumber(_ name: String?) -> Result<Int, Refusal> {
        guard let name, !name.isEmpty else { return .success(Int(SIGTERM)) }
        if let number = Int(name) { return .success(number) }
        guard name == name.uppercased() else {
            return .failure(Refusal(repr: "TypeError('signal name must be uppercase string.')"))
        }
        let full = name.hasPrefix("SIG") ? name : "SIG" + name
        let known: [String: Int32] = [
            "SIGHUP": SIGHUP, "SIGINT": SIGINT, "SIGQUIT": SIGQUIT, "SIGILL": SIGILL, "SIGTRAP": SIGTRAP,
            "SIGABRT": SIGABRT, "SIGBUS": SIGBUS, "SIGFPE": SIGFPE, "SIGKILL": SIGKILL, "SIGUSR1": SIGUSR1,
            "SIGSEGV": SIGSEGV, "SIGUSR2": SIGUSR2, "SIGPIPE": SIGPIPE, "SIGALRM": SIGALRM, "SIGTERM": SIGTERM,
            "SIGCHLD": SIGCHLD, "SIGCONT": SIGCONT, "SIGSTOP": SIGSTOP, "SIGTSTP": SIGTSTP,
        ]
        guard let number = known[full] else {
            return .failure(Refusal(repr: "AttributeError(\"module 'signal' has no attribute '\(full)'\")"))
        }
        return .success(Int(number))
    }

    /// `revoke_by_stamped_headers`: the stamps are remembered (a message carrying one is
    /// discarded as revoked when it would start); with `terminate`, running tasks carrying a
    /// matching stamp are terminated. Replies in Celery's words, with Python's reprs.
    private func revokeByStamps(_ given: JSONValue, terminate: Bool, signal: String?) -> JSONValue {
        if case .failure(let refusal) = Self.signalNumber(signal) { return ["error": .string(refusal.repr)] }
        var headers = JSONObject()
        if let list = given.arrayValue {
            for item in list.compactMap(\.stringValue) {
                let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                if parts.count == 2 { headers[String(parts[0])] = .string(String(parts[1])) }
            }
        } else if let object = given.objectValue {
            headers = object
        }
        runtime.revokeStamps(headers)
        let shown = PythonRepr.repr(.object(headers))
        guard terminate else { return ["ok": .string("headers \(shown) flagged as revoked, but not terminated")] }
        var matched: [(String, [String])] = []
        for entry in held([.running, .finishing]) {
            let stamps = entry.message.request.stamps.objectValue ?? [:]
            for (key, wanted) in headers {
                guard let actual = stamps[key], actual != .null else { continue }
                let wantedValues = Set((wanted.arrayValue ?? [wanted]).map { PythonRepr.repr($0) })
                let actualValues = (actual.arrayValue ?? [actual]).map { PythonRepr.repr($0) }
                let common = actualValues.filter { wantedValues.contains($0) }
                guard !common.isEmpty else { continue }
                if let index = matched.firstIndex(where: { $0.0 == key }) {
                    matched[index].1 += common.filter { !matched[index].1.contains($0) }
                } else {
                    matched.append((key, common))
                }
                entry.message.termination.terminate()
            }
        }
        guard !matched.isEmpty else { return ["ok": .string("headers \(shown) were not terminated")] }
        let mapping = matched.map { "'\($0.0)': {\($0.1.joined(separator: ", "))}" }.joined(separator: ", ")
        return ["ok": .string("headers defaultdict(<class 'set'>, {\(mapping)}) revoked")]
    }

    /// `rate_limit`: Celery's checks in Celery's order (the rate, then the task), then the new bucket.
    private func rateLimit(task: String?, rate: JSONValue?) -> JSONValue {
        let text: String? =
            switch rate {
            case .string(let value): value
            case .int(let value): String(value)
            case .double(let value): String(value)
            default: nil
            }
        let limit: RateLimit?
        do {
            limit = try RateLimit.parse(text)
        } catch {
            if error.exceptionRepr.hasPrefix("KeyError") { return ["error": .string(error.exceptionRepr)] }
            return ["error": .string("Invalid rate limit string: \(error.exceptionRepr)")]
        }
        guard let task, registry.task(named: task) != nil else {
            logger.error("Rate limit attempt for unknown task \(task ?? "None")")
            return ["error": "unknown task"]
        }
        runtime.setRateLimit(limit, for: task)
        guard limit != nil else {
            logger.info("Rate limits disabled for tasks of type \(task)")
            return ["ok": "rate limit disabled successfully"]
        }
        logger.info("New rate limit for tasks of type \(task): \(text ?? "").")
        return ["ok": "new rate limit set successfully"]
    }

    /// `autoscale`: new bounds; the slots follow the maximum (idle slots cost nothing here).
    private func autoscale(maximum: Int?, minimum: Int?) -> JSONValue {
        let updated = runtime.autoscaleBounds.withLock { bounds -> WorkerConfiguration.Autoscale? in
            guard var current = bounds else { return nil }
            if let maximum { current.maximum = max(1, maximum) }
            if let minimum { current.minimum = max(0, minimum) }
            bounds = current
            return current
        }
        guard let updated else { return ["error": "ValueError('Autoscale not enabled')"] }
        runtime.resize(slots: updated.maximum)
        return ["ok": .string("autoscale now max=\(updated.maximum) min=\(updated.minimum)")]
    }

    /// `report`: what Celery's bugreport lists, for this worker.
    private func report() -> String {
        var system = utsname()
        uname(&system)
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        return """
            software -> sigma-worker (Celery protocol 2, Swift) kombu layout:redis
                        platform -> system:\(text(system.sysname)) arch:\(text(system.machine)) release:\(text(system.release))
                        loader -> none (tasks built in)
                        settings -> transport:redis results:\(configuration.backendURL == nil ? "disabled" : "redis")

            broker_url: '\(configuration.brokerURL.kombuDisplay)'
            result_backend: \(configuration.backendURL.map { "'\($0)'" } ?? "None")
            worker_concurrency: \(runtime.slots)
            worker_prefetch_multiplier: \(configuration.prefetchMultiplier)
            """
    }

    /// `memdump`: the samples `memsample` took (then forgotten), and the RSS now, as Celery's text.
    private func memdump(samples: Int) -> String {
        let taken = runtime.memorySamples.withLock { samples -> [Int] in
            defer { samples.removeAll() }
            return samples
        }
        var lines: [String] = []
        if !taken.isEmpty {
            lines.append("- rss (sample):")
            for sample in taken.suffix(max(1, samples)) { lines.append("-    > \(Self.humanBytes(sample)),") }
        }
        lines.append("- rss (end): \(Self.humanBytes(Self.residentBytes())).")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Resident set size in bytes (`VmRSS`).
    static func residentBytes() -> Int {
        (RecyclePolicy.kilobytes("VmRSS", status: RecyclePolicy.processStatus()) ?? 0) * 1024
    }

    /// Celery's `humanbytes`: `51.498MB`, `2KB`, `512b`.
    static func humanBytes(_ bytes: Int) -> String {
        let units: [(Double, String)] = [
            (1_099_511_627_776, "TB"), (1_073_741_824, "GB"), (1_048_576, "MB"), (1024, "KB"),
        ]
        let value = Double(bytes)
        for (size, unit) in units where value >= size {
            let scaled = value / size
            return (scaled == scaled.rounded() ? String(Int(scaled)) : String(format: "%.5g", scaled)) + unit
        }
        return "\(bytes)b"
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
    private func requestInfo(_ message: ReservedMessage, startedAt: Double?, acknowledged: Bool, safe: Bool = false)
        -> JSONValue
    {
        ControlReplies.requestInfo(
            message.request, hostname: configuration.hostname, startedAt: startedAt, acknowledged: acknowledged,
            pid: Int(getpid()), safe: safe)
    }

    /// `stats`: the parts a monitoring tool reads (totals, pid, clock, uptime, pool, broker, prefetch).
    private func stats(clock: Int) -> JSONValue {
        let totals = runtime.totals.withLock { $0 }
        var total = JSONObject()
        for name in totals.keys.sorted() { total[name] = .int(Int64(totals[name] ?? 0)) }
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let url = configuration.brokerURL
        var broker: JSONObject = [
            "userid": url.username.map(JSONValue.string) ?? .null, "virtual_host": .string(String(url.database)),
            "insist": false, "ssl": false, "connect_timeout": 4,
            "transport_options": ["visibility_timeout": .double(configuration.visibilityTimeout)],
            "login_method": .null, "uri_prefix": .null, "heartbeat": 120.0, "failover_strategy": "round-robin",
            "alternates": [], "credential_provider": .null,
        ]
        switch url.endpoint {
        case .tcp(let host, let port):
            broker["hostname"] = .string(host)
            broker["port"] = .int(Int64(port))
            broker["transport"] = "redis"
        case .unix(let path):
            broker["hostname"] = .string(path)
            broker["port"] = .null
            broker["transport"] = "redis+socket"
        }
        var reply: JSONObject = [
            "total": .object(total), "pid": .int(Int64(getpid())), "clock": .string(String(clock)),
            "uptime": .int(Int64(Date().timeIntervalSince(runtime.startedAt))),
            "pool": pool(),
            "broker": .object(broker), "prefetch_count": .int(Int64(runtime.prefetchLimit)),
            "rusage": [
                "utime": .double(Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6),
                "stime": .double(Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6),
                "maxrss": .int(Int64(usage.ru_maxrss)), "ixrss": .int(Int64(usage.ru_ixrss)),
                "idrss": .int(Int64(usage.ru_idrss)), "isrss": .int(Int64(usage.ru_isrss)),
                "minflt": .int(Int64(usage.ru_minflt)), "majflt": .int(Int64(usage.ru_majflt)),
                "nswap": .int(Int64(usage.ru_nswap)), "inblock": .int(Int64(usage.ru_inblock)),
                "oublock": .int(Int64(usage.ru_oublock)), "msgsnd": .int(Int64(usage.ru_msgsnd)),
                "msgrcv": .int(Int64(usage.ru_msgrcv)), "nsignals": .int(Int64(usage.ru_nsignals)),
                "nvcsw": .int(Int64(usage.ru_nvcsw)), "nivcsw": .int(Int64(usage.ru_nivcsw)),
            ],
        ]
        if let bounds = runtime.autoscaleBounds.withLock({ $0 }) {
            reply["autoscaler"] = [
                "max": .int(Int64(bounds.maximum)), "min": .int(Int64(bounds.minimum)),
                "current": .int(Int64(runtime.slots)), "qty": .int(Int64(runtime.ready.count)),
            ]
        }
        return .object(reply)
    }

    /// `stats.pool`, in the prefork pool's shape: one "process" per execution slot (so exporters
    /// count the pool's size; every slot runs in this process, so each is this pid), and
    /// `implementation` saying what the pool really is.
    private func pool() -> JSONValue {
        let slots = runtime.slots
        let completed = runtime.processed
        let share = slots > 0 ? String(format: "%.2f", 1.0 / Double(slots)) : "0.00"
        let pool: JSONObject = [
            "implementation": .string(
                "sigma-worker:InProcessPool (\(slots) Swift concurrency slots in one process; -P \(configuration.pool))"
            ),
            "max-concurrency": .int(Int64(slots)),
            "processes": .array(Array(repeating: .int(Int64(getpid())), count: slots)),
            "max-tasks-per-child": configuration.maxTasksPerChild.map { .int(Int64($0)) } ?? "N/A",
            "put-guarded-by-semaphore": false,
            "timeouts": [
                configuration.softTimeLimit.map(JSONValue.double) ?? 0,
                configuration.timeLimit.map(JSONValue.double) ?? 0,
            ],
            "writes": [
                "total": .int(Int64(completed)),
                "avg": .string(completed > 0 ? share : "0.00"),
                "all": .string(completed > 0 ? Array(repeating: share, count: slots).joined(separator: ", ") : ""),
                "raw": .string(completed > 0 ? String(completed) : ""),
                "strategy": "fair",
                "inqueues": [
                    "total": .int(Int64(slots)), "active": .int(Int64(runtime.deliveries.withLock { $0.running })),
                ],
            ],
        ]
        return .object(pool)
    }

    /// `conf`: as Celery's `conf` without defaults: the settings that differ from Celery's
    /// defaults (passwords masked), plus the three a worker always lists (`deprecated_settings`,
    /// `include`, `worker_disable_prefetch`); `with_defaults` adds the defaults we know.
    private func settings(withDefaults: Bool = false) -> JSONObject {
        var settings: JSONObject = [
            "broker_url": .string(configuration.brokerURL.kombuDisplay),
            "result_backend": configuration.backendURL.map { .string("\($0)") } ?? .null,
            "deprecated_settings": .null,
            "include": .array(
                Set(registry.names.compactMap { name in name.split(separator: ".").dropLast().joined(separator: ".") })
                    .filter { !$0.isEmpty && $0 != "celery" }.sorted().map(JSONValue.string)),
            "worker_disable_prefetch": .bool(configuration.prefetchMultiplier == 1),
        ]
        var transport: JSONObject = ["visibility_timeout": .double(configuration.visibilityTimeout)]
        if !configuration.brokerKeys.prefix.isEmpty {
            transport["global_keyprefix"] = .string(configuration.brokerKeys.prefix)
        }
        settings["broker_transport_options"] = .object(transport)
        func put(_ key: String, _ value: JSONValue, isDefault: Bool) {
            if withDefaults || !isDefault { settings[key] = value }
        }
        put(
            "task_default_queue", .string(configuration.defaultQueue), isDefault: configuration.defaultQueue == "celery"
        )
        put(
            "result_expires", configuration.resultExpires.map { .int(Int64($0)) } ?? .null,
            isDefault: configuration.resultExpires == 86_400)
        put("task_acks_late", .bool(configuration.acksLate), isDefault: !configuration.acksLate)
        put("task_track_started", .bool(configuration.trackStarted), isDefault: !configuration.trackStarted)
        put(
            "task_soft_time_limit", configuration.softTimeLimit.map(JSONValue.double) ?? .null,
            isDefault: configuration.softTimeLimit == nil)
        put(
            "task_time_limit", configuration.timeLimit.map(JSONValue.double) ?? .null,
            isDefault: configuration.timeLimit == nil)
        put(
            "worker_prefetch_multiplier", .int(Int64(configuration.prefetchMultiplier)),
            isDefault: configuration.prefetchMultiplier == 4)
        put(
            "worker_send_task_events", .bool(runtime.events.taskEventsEnabled),
            isDefault: !runtime.events.taskEventsEnabled)
        put("worker_concurrency", .int(Int64(runtime.slots)), isDefault: !withDefaults)
        return settings
    }

    /// A task id or a list of them.
    private static func ids(_ value: JSONValue?) -> [String] {
        if let id = value?.stringValue { return [id] }
        return value?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}
