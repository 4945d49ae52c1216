/// One task request, decoded from a message of any protocol version (v2, v1 or hybrid).
public struct TaskRequest: Sendable, Hashable {
    /// 2 for headers + `[args, kwargs, embed]`, 1 for a dict body.
    public var protocolVersion: Int
    /// The task id (result key suffix, revocation key).
    public var id: String
    /// The registered task name to execute.
    public var task: String
    /// Positional arguments.
    public var args: [JSONValue]
    /// Keyword arguments.
    public var kwargs: JSONObject
    /// How many times the task was already retried.
    public var retries: Int
    /// Do not run before this instant; a naive value is in the app's time zone.
    public var eta: ISODateTime?
    /// The `eta` text exactly as sent (republished unchanged).
    public var etaText: String?
    /// After this instant the task is revoked as expired.
    public var expires: ISODateTime?
    /// The `expires` text exactly as sent.
    public var expiresText: String?
    /// `[hard, soft]` overrides.
    public var timeLimit: TimeLimit
    /// The first task of the workflow.
    public var rootID: String?
    /// The task that published this one.
    public var parentID: String?
    /// The group (or chord) id.
    public var groupID: String?
    /// The position inside the group: the chord join score.
    public var groupIndex: Int?
    /// true: store no result; nil: the task's own default applies.
    public var ignoreResult: Bool?
    /// The display name for logs and events.
    public var shadow: String?
    /// `link` signatures, applied with the result on success.
    public var callbacks: [Signature]
    /// `link_error` signatures, applied on failure.
    public var errbacks: [Signature]
    /// The remaining chain steps, **in reverse order**: the next step is the last element.
    public var chain: [Signature]
    /// The chord body this task is a header part of.
    public var chord: Signature?
    /// The producer's node name.
    public var origin: String?
    /// `repr(args)` as the producer wrote it.
    public var argsRepr: String?
    /// `repr(kwargs)` as the producer wrote it.
    public var kwargsRepr: String?
    /// Depth of `Task.replace`.
    public var replacedTaskNesting: Int
    /// Stamping API headers, carried over when republishing.
    public var stampedHeaders: JSONValue
    /// Stamping API values, carried over when republishing.
    public var stamps: JSONValue
    /// Headers outside Celery's standard set (`apply_async(headers=…)`), kept when republishing.
    public var customHeaders: JSONObject
    /// Protocol v1 only: whether a naive eta is UTC.
    public var utc: Bool
    /// `headers.compression`, when the body was compressed.
    public var compression: String?
    /// The content type of the body.
    public var contentType: String?
    /// The envelope properties (delivery tag, delivery info, priority, reply_to…).
    public var properties: MessageProperties

    /// The delivery tag: the `unacked` hash field.
    public var deliveryTag: String { properties.deliveryTag }
    /// Where the message came from.
    public var deliveryInfo: DeliveryInfo { properties.deliveryInfo }
    /// The client's reply id.
    public var replyTo: String? { properties.replyTo }
    /// The correlation id (= task id for Celery producers).
    public var correlationID: String? { properties.correlationID }
    /// The priority, 0–9.
    public var priority: Int { properties.priority }
    /// True when kombu restored this message from `unacked`.
    public var redelivered: Bool { properties.deliveryInfo.redelivered }
    /// The name to show in logs: `shadow` when set, else the task name.
    public var displayName: String { shadow ?? task }

    /// The header keys Celery itself writes; anything else is a custom header.
    public static let standardHeaders: Set<String> = [
        "lang", "task", "id", "shadow", "eta", "expires", "group", "group_index", "retries", "timelimit",
        "root_id", "parent_id", "argsrepr", "kwargsrepr", "origin", "ignore_result", "replaced_task_nesting",
        "stamped_headers", "stamps", "compression", "redelivered",
    ]
}

extension TaskRequest {
    /// Decodes a task message exactly as popped from Redis.
    public static func decode(_ bytes: some Collection<UInt8>) throws(CeleryWireError) -> TaskRequest {
        try decode(envelope: try KombuEnvelope.decode(bytes))
    }

    /// The task id and name readable from the headers alone, without touching the body: what a
    /// worker can still report when the body is refused (pickle) or undecodable.
    public static func identity(of envelope: KombuEnvelope) -> (id: String?, task: String?) {
        (envelope.headers["id"]?.stringValue, envelope.headers["task"]?.stringValue)
    }

    /// Decodes the task request carried by an envelope, following Python's worker rules:
    /// `headers.task` present → protocol v2 (hybrid when the body is a dict with `args`);
    /// absent → the body must be a protocol v1 dict with `task`, else it is an unknown message.
    public static func decode(envelope: KombuEnvelope) throws(CeleryWireError) -> TaskRequest {
        let headers = envelope.headers
        let body = try envelope.decodedBody()
        if headers["task"] != nil {
            if case .object(let dict) = body, dict["args"] != nil {
                return try decodeV1(dict, envelope: envelope, headerOverrides: headers)
            }
            return try decodeV2(body, envelope: envelope)
        }
        guard case .object(let dict) = body, dict["task"] != nil else {
            throw CeleryWireError(
                .unknownMessage, field: "headers.task", expected: "a task header or a protocol 1 body",
                message: "received and deleted unknown message: wrong destination?")
        }
        return try decodeV1(dict, envelope: envelope, headerOverrides: JSONObject())
    }

    private static func decodeV2(_ body: JSONValue, envelope: KombuEnvelope) throws(CeleryWireError) -> TaskRequest {
        guard case .array(let parts) = body else {
            throw CeleryWireError(
                .malformedBody, field: "body", expected: "[args, kwargs, embed]",
                message: "the protocol 2 body is a JSON \(body.typeName)")
        }
        // Python's worker crashes on a 2-element body; we accept it with an empty embed.
        guard parts.count == 3 || parts.count == 2 else {
            throw CeleryWireError(
                .malformedBody, field: "body", expected: "[args, kwargs, embed]",
                message: "the protocol 2 body has \(parts.count) elements")
        }
        let args = try arguments(parts[0], field: "body[0]")
        let kwargs = try keywordArguments(parts[1], field: "body[1]")
        var embed = JSONObject()
        if parts.count == 3 {
            switch parts[2] {
            case .object(let object): embed = object
            case .null: break
            default:
                throw CeleryWireError(
                    .wrongType, field: "body[2]", expected: "embed object",
                    message: "embed is a JSON \(parts[2].typeName)")
            }
        }
        var request = try fromHeaders(envelope.headers, envelope: envelope, protocolVersion: 2)
        request.args = args
        request.kwargs = kwargs
        request.callbacks = try Signature.list(embed["callbacks"], field: "body[2].callbacks")
        request.errbacks = try Signature.list(embed["errbacks"], field: "body[2].errbacks")
        request.chain = try Signature.list(embed["chain"], field: "body[2].chain")
        if let chord = embed["chord"], !chord.isNull {
            request.chord = try Signature(decoding: chord, field: "body[2].chord")
        }
        return request
    }

    private static func decodeV1(
        _ dict: JSONObject, envelope: KombuEnvelope, headerOverrides: JSONObject
    ) throws(CeleryWireError) -> TaskRequest {
        var fields = dict
        if fields["group"] == nil, let taskset = fields["taskset"] { fields["group"] = taskset }
        for member in headerOverrides.members { fields[member.key] = member.value }
        var request = try fromHeaders(fields, envelope: envelope, protocolVersion: headerOverrides.isEmpty ? 1 : 2)
        request.args = try arguments(dict["args"] ?? .array([]), field: "body.args")
        request.kwargs = try keywordArguments(dict["kwargs"] ?? .object([:]), field: "body.kwargs")
        request.callbacks = try Signature.list(dict["callbacks"], field: "body.callbacks")
        request.errbacks = try Signature.list(dict["errbacks"], field: "body.errbacks")
        request.chain = try Signature.list(dict["chain"], field: "body.chain")
        if let chord = dict["chord"], !chord.isNull {
            request.chord = try Signature(decoding: chord, field: "body.chord")
        }
        request.utc = dict["utc"]?.boolValue ?? true
        request.customHeaders = JSONObject(
            headerOverrides.members.filter { !standardHeaders.contains($0.key) }.map { ($0.key, $0.value) })
        return request
    }

    private static func fromHeaders(
        _ headers: JSONObject, envelope: KombuEnvelope, protocolVersion: Int
    ) throws(CeleryWireError) -> TaskRequest {
        let prefix = protocolVersion == 1 ? "body" : "headers"
        func string(_ key: String) throws(CeleryWireError) -> String? {
            switch headers[key] {
            case nil, .null?: return nil
            case .string(let text)?: return text
            case let other?:
                throw CeleryWireError(
                    .wrongType, field: "\(prefix).\(key)", expected: "string or null",
                    message: "\(key) is a JSON \(other.typeName)")
            }
        }
        func integer(_ key: String) throws(CeleryWireError) -> Int? {
            switch headers[key] {
            case nil, .null?: return nil
            case let value?:
                guard let number = value.intValue, let small = Int(exactly: number) else {
                    throw CeleryWireError(
                        .wrongType, field: "\(prefix).\(key)", expected: "integer or null",
                        message: "\(key) is \(value)")
                }
                return small
            }
        }
        func date(_ key: String) throws(CeleryWireError) -> (ISODateTime?, String?) {
            guard let text = try string(key) else { return (nil, nil) }
            guard let parsed = ISODateTime.parse(text) else {
                throw CeleryWireError(
                    .invalidDate, field: "\(prefix).\(key)", expected: "ISO-8601 datetime",
                    message: "invalid \(key) \(text)")
            }
            return (parsed, text)
        }
        guard let id = try string("id"), !id.isEmpty else {
            throw CeleryWireError(
                .missingField, field: "\(prefix).id", expected: "string", message: "the task has no id")
        }
        guard let task = try string("task"), !task.isEmpty else {
            throw CeleryWireError(
                .missingField, field: "\(prefix).task", expected: "string", message: "the task has no name")
        }
        let (eta, etaText) = try date("eta")
        let (expires, expiresText) = try date("expires")
        let ignoreResult: Bool?
        switch headers["ignore_result"] {
        case nil, .null?: ignoreResult = nil
        case .bool(let flag)?: ignoreResult = flag
        case let other?:
            throw CeleryWireError(
                .wrongType, field: "\(prefix).ignore_result", expected: "boolean or null",
                message: "ignore_result is \(other)")
        }
        let retries = try integer("retries") ?? 0
        guard retries >= 0 else {
            throw CeleryWireError(
                .wrongType, field: "\(prefix).retries", expected: "a non-negative integer",
                message: "retries is \(retries)")
        }
        return TaskRequest(
            protocolVersion: protocolVersion, id: id, task: task, args: [], kwargs: JSONObject(), retries: retries,
            eta: eta, etaText: etaText, expires: expires, expiresText: expiresText,
            timeLimit: try TimeLimit(decoding: headers["timelimit"], field: "\(prefix).timelimit"),
            rootID: try string("root_id"), parentID: try string("parent_id"), groupID: try string("group"),
            groupIndex: try integer("group_index"), ignoreResult: ignoreResult, shadow: try string("shadow"),
            callbacks: [], errbacks: [], chain: [], chord: nil, origin: try string("origin"),
            argsRepr: try string("argsrepr"), kwargsRepr: try string("kwargsrepr"),
            replacedTaskNesting: try integer("replaced_task_nesting") ?? 0,
            stampedHeaders: headers["stamped_headers"] ?? .null, stamps: headers["stamps"] ?? .object([:]),
            customHeaders: JSONObject(
                headers.members.filter { !standardHeaders.contains($0.key) }.map { ($0.key, $0.value) }),
            utc: true, compression: envelope.headers["compression"]?.stringValue,
            contentType: envelope.contentType, properties: envelope.properties)
    }

    private static func arguments(_ value: JSONValue, field: String) throws(CeleryWireError) -> [JSONValue] {
        switch value {
        case .array(let elements): return elements
        case .null: return []
        default:
            throw CeleryWireError(
                .wrongType, field: field, expected: "array of positional arguments",
                message: "args is a JSON \(value.typeName)")
        }
    }

    private static func keywordArguments(_ value: JSONValue, field: String) throws(CeleryWireError) -> JSONObject {
        switch value {
        case .object(let object): return object
        case .null: return JSONObject()
        default:
            throw CeleryWireError(
                .wrongType, field: field, expected: "object of keyword arguments",
                message: "kwargs is a JSON \(value.typeName) (task keyword arguments must be a mapping)")
        }
    }
}
