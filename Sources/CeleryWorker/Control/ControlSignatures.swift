import CeleryWire

/// The Python signatures of Celery 5.7's remote-control handlers (`celery/worker/control.py`),
/// so a call with missing or unexpected arguments is refused with the `TypeError` Python
/// raises, and the reply carries it as Celery's does (`{"error": "TypeError(...)"}`). Pure.
public enum ControlSignatures {
    struct Signature {
        var required: [String]
        var optional: [String]
        /// `**kwargs`: any other keyword is accepted.
        var open: Bool
    }

    static let table: [String: Signature] = [
        "report": .init(required: [], optional: [], open: false),
        "conf": .init(required: [], optional: ["with_defaults"], open: true),
        "query_task": .init(required: ["ids"], optional: [], open: true),
        "revoke": .init(required: ["task_id"], optional: ["terminate", "signal"], open: true),
        "revoke_by_stamped_headers": .init(required: ["headers"], optional: ["terminate", "signal"], open: true),
        "terminate": .init(required: ["signal", "task_id"], optional: [], open: true),
        "rate_limit": .init(required: ["task_name", "rate_limit"], optional: [], open: true),
        "time_limit": .init(required: [], optional: ["task_name", "hard", "soft"], open: true),
        "clock": .init(required: [], optional: [], open: true),
        "election": .init(required: ["id", "topic"], optional: ["action"], open: true),
        "enable_events": .init(required: [], optional: [], open: false),
        "disable_events": .init(required: [], optional: [], open: false),
        "heartbeat": .init(required: [], optional: [], open: false),
        "hello": .init(required: ["from_node"], optional: ["revoked"], open: true),
        "ping": .init(required: [], optional: [], open: true),
        "stats": .init(required: [], optional: [], open: true),
        "scheduled": .init(required: [], optional: [], open: true),
        "reserved": .init(required: [], optional: [], open: true),
        "active": .init(required: [], optional: ["safe"], open: true),
        "revoked": .init(required: [], optional: [], open: true),
        "registered": .init(required: [], optional: ["taskinfoitems", "builtins"], open: true),
        "objgraph": .init(required: [], optional: ["num", "max_depth", "type"], open: false),
        "memsample": .init(required: [], optional: [], open: true),
        "memdump": .init(required: [], optional: ["samples"], open: true),
        "pool_grow": .init(required: [], optional: ["n"], open: true),
        "pool_shrink": .init(required: [], optional: ["n"], open: true),
        "pool_restart": .init(required: [], optional: ["modules", "reload", "reloader"], open: true),
        "autoscale": .init(required: [], optional: ["max", "min"], open: false),
        "shutdown": .init(required: [], optional: ["msg"], open: true),
        "add_consumer": .init(
            required: ["queue"], optional: ["exchange", "exchange_type", "routing_key"], open: true),
        "cancel_consumer": .init(required: ["queue"], optional: [], open: true),
        "active_queues": .init(required: [], optional: [], open: false),
    ]

    /// The `TypeError` repr Python raises for this call, or nil when the arguments fit.
    public static func check(_ method: String, arguments: JSONObject) -> String? {
        guard let signature = table[method] else { return nil }
        let given = arguments.keys
        if !signature.open,
            let extra = given.first(where: { !signature.required.contains($0) && !signature.optional.contains($0) })
        {
            return typeError("\(method)() got an unexpected keyword argument '\(extra)'")
        }
        let missing = signature.required.filter { arguments[$0] == nil }
        guard !missing.isEmpty else { return nil }
        let names = missing.map { "'\($0)'" }
        let list: String
        switch names.count {
        case 1: list = names[0]
        case 2: list = "\(names[0]) and \(names[1])"
        default: list = names.dropLast().joined(separator: ", ") + ", and " + names[names.count - 1]
        }
        let noun = missing.count == 1 ? "argument" : "arguments"
        return typeError("\(method)() missing \(missing.count) required positional \(noun): \(list)")
    }

    /// `repr(TypeError(message))`: double quotes when the message holds a single quote.
    static func typeError(_ message: String) -> String {
        message.contains("'") && !message.contains("\"") ? "TypeError(\"\(message)\")" : "TypeError('\(message)')"
    }
}
