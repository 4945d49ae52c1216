/// The shapes of remote-control replies that describe tasks and queues, as Celery's worker
/// writes them (celery-wire.md §8.4): what `inspect active|reserved|scheduled|query_task` and
/// `inspect active_queues` print.
public enum ControlReplies {
    /// A task's request info.
    /// - Parameters:
    ///   - request: the task message.
    ///   - hostname: the worker's node name.
    ///   - startedAt: when its body started (nil while waiting).
    ///   - acknowledged: whether its message was acknowledged.
    ///   - pid: the worker's process id.
    /// `worker_pid` is set only for a running request (Celery's is None until a pool process
    /// takes it); `safe` gives `args` and `kwargs` as Python reprs, as `inspect active --safe`.
    public static func requestInfo(
        _ request: TaskRequest, hostname: String, startedAt: Double?, acknowledged: Bool, pid: Int,
        safe: Bool = false
    ) -> JSONValue {
        let info = request.deliveryInfo
        let args: JSONValue = safe ? .string(PythonRepr.repr(.array(request.args))) : .array(request.args)
        let kwargs: JSONValue = safe ? .string(PythonRepr.repr(.object(request.kwargs))) : .object(request.kwargs)
        return [
            "id": .string(request.id), "name": .string(request.displayName), "args": args,
            "kwargs": kwargs, "type": .string(request.task), "hostname": .string(hostname),
            "time_start": startedAt.map(JSONValue.double) ?? .null, "acknowledged": .bool(acknowledged),
            "delivery_info": [
                "exchange": .string(info.exchange), "routing_key": .string(info.routingKey),
                "priority": .int(Int64(request.priority)), "redelivered": .bool(info.redelivered),
            ],
            "worker_pid": startedAt == nil ? .null : .int(Int64(pid)),
        ]
    }

    /// An `active_queues` entry for a direct queue named like its exchange and routing key.
    public static func queueInfo(_ name: String) -> JSONValue {
        [
            "name": .string(name),
            "exchange": [
                "name": .string(name), "type": "direct", "arguments": .null, "durable": true, "passive": false,
                "auto_delete": false, "delivery_mode": .null, "no_declare": false,
            ],
            "routing_key": .string(name), "queue_arguments": .null, "binding_arguments": .null,
            "consumer_arguments": .null,
            "durable": true, "exclusive": false, "auto_delete": false, "no_ack": false, "alias": .null, "bindings": [],
            "no_declare": .null, "expires": .null, "message_ttl": .null, "max_length": .null, "max_length_bytes": .null,
            "max_priority": .null,
        ]
    }
}
