import Foundation

/// A task message to publish, in protocol v2 (what retries, callbacks, chain steps and a
/// Swift-side send produce). Always writes a three-element body and full delivery info.
public struct TaskMessage: Sendable, Hashable {
    public var id: String
    public var task: String
    public var args: [JSONValue]
    public var kwargs: JSONObject
    public var callbacks: [Signature]?
    public var errbacks: [Signature]?
    /// Remaining chain steps, reversed (next step last); nil or empty at the end of a chain.
    public var chain: [Signature]?
    public var chord: Signature?
    public var retries: Int
    /// `eta` as an aware ISO string.
    public var eta: String?
    /// `expires` as an aware ISO string.
    public var expires: String?
    public var timeLimit: TimeLimit
    public var rootID: String?
    public var parentID: String?
    public var groupID: String?
    public var groupIndex: Int?
    public var shadow: String?
    public var ignoreResult: Bool?
    public var origin: String?
    /// Written as is when set; computed from `args` when nil.
    public var argsRepr: String?
    /// Written as is when set; computed from `kwargs` when nil.
    public var kwargsRepr: String?
    public var replacedTaskNesting: Int
    public var stampedHeaders: JSONValue
    public var stamps: JSONValue
    /// Extra headers merged at the top level (kept from the original on a retry).
    public var customHeaders: JSONObject
    public var replyTo: String?
    public var priority: Int
    public var exchange: String
    public var routingKey: String
    /// A fresh UUID for every publish (a restore keeps the old one; a republish never does).
    public var deliveryTag: String
    /// Compress the body with zlib (`application/x-gzip`).
    public var compress: Bool
    /// Extra properties (Celery leaks `origin` there on retries).
    public var extraProperties: JSONObject

    /// Creates a message with Celery's defaults.
    public init(
        id: String = TaskMessage.newID(), task: String, args: [JSONValue] = [], kwargs: JSONObject = [:],
        routingKey: String = "celery", exchange: String = ""
    ) {
        self.id = id
        self.task = task
        self.args = args
        self.kwargs = kwargs
        self.callbacks = nil
        self.errbacks = nil
        self.chain = nil
        self.chord = nil
        self.retries = 0
        self.eta = nil
        self.expires = nil
        self.timeLimit = TimeLimit()
        self.rootID = id
        self.parentID = nil
        self.groupID = nil
        self.groupIndex = nil
        self.shadow = nil
        self.ignoreResult = false
        self.origin = nil
        self.argsRepr = nil
        self.kwargsRepr = nil
        self.replacedTaskNesting = 0
        self.stampedHeaders = .null
        self.stamps = .object([:])
        self.customHeaders = JSONObject()
        self.replyTo = nil
        self.priority = 0
        self.exchange = exchange
        self.routingKey = routingKey
        self.deliveryTag = TaskMessage.newID()
        self.compress = false
        self.extraProperties = JSONObject()
    }

    /// A new lowercase UUID4 string, as Celery uses for ids and delivery tags.
    public static func newID() -> String { UUID().uuidString.lowercased() }

    /// The message `Task.retry` republishes: same id, `retries + 1`, new eta, `parent_id` = the
    /// task's own id, new delivery tag, everything else carried over.
    public init(retrying request: TaskRequest, eta: String?, origin: String? = nil) {
        self.init(
            id: request.id, task: request.task, args: request.args, kwargs: request.kwargs,
            routingKey: request.deliveryInfo.routingKey, exchange: request.deliveryInfo.exchange)
        callbacks = request.callbacks.isEmpty ? nil : request.callbacks
        errbacks = request.errbacks.isEmpty ? nil : request.errbacks
        chain = request.chain.isEmpty ? nil : request.chain
        chord = request.chord
        retries = request.retries + 1
        self.eta = eta
        expires = request.expiresText
        timeLimit = request.timeLimit
        rootID = request.rootID ?? request.id
        parentID = request.id
        groupID = request.groupID
        groupIndex = request.groupIndex
        shadow = request.shadow
        ignoreResult = request.ignoreResult
        self.origin = request.origin ?? origin
        argsRepr = request.argsRepr
        kwargsRepr = request.kwargsRepr
        replacedTaskNesting = request.replacedTaskNesting
        stampedHeaders = request.stampedHeaders
        stamps = request.stamps
        customHeaders = request.customHeaders
        replyTo = request.replyTo
        priority = request.priority
        if let origin = self.origin { extraProperties["origin"] = .string(origin) }
    }

    /// The headers in Celery's order.
    public var headers: JSONObject {
        var headers = JSONObject()
        headers.appendUnchecked("lang", "py")
        headers.appendUnchecked("task", .string(task))
        headers.appendUnchecked("id", .string(id))
        headers.appendUnchecked("shadow", JSONValue(shadow))
        headers.appendUnchecked("eta", JSONValue(eta))
        headers.appendUnchecked("expires", JSONValue(expires))
        headers.appendUnchecked("group", JSONValue(groupID))
        headers.appendUnchecked("group_index", JSONValue(groupIndex))
        headers.appendUnchecked("retries", .int(Int64(retries)))
        headers.appendUnchecked("timelimit", timeLimit.jsonValue)
        headers.appendUnchecked("root_id", JSONValue(rootID))
        headers.appendUnchecked("parent_id", JSONValue(parentID))
        headers.appendUnchecked("argsrepr", .string(argsRepr ?? PythonRepr.truncated(PythonRepr.tuple(args))))
        headers.appendUnchecked("kwargsrepr", .string(kwargsRepr ?? PythonRepr.truncated(PythonRepr.dict(kwargs))))
        headers.appendUnchecked("origin", JSONValue(origin))
        headers.appendUnchecked("ignore_result", ignoreResult.map { .bool($0) } ?? .null)
        headers.appendUnchecked("replaced_task_nesting", .int(Int64(replacedTaskNesting)))
        headers.appendUnchecked("stamped_headers", stampedHeaders)
        headers.appendUnchecked("stamps", stamps)
        for member in customHeaders.members where headers[member.key] == nil {
            headers.appendUnchecked(member.key, member.value)
        }
        if compress { headers["compression"] = "application/x-gzip" }
        return headers
    }

    /// The body `[args, kwargs, embed]`.
    public var body: JSONValue {
        func list(_ signatures: [Signature]?) -> JSONValue {
            signatures.map { .array($0.map(\.jsonValue)) } ?? .null
        }
        let embed = JSONObject([
            ("callbacks", list(callbacks)), ("errbacks", list(errbacks)), ("chain", list(chain)),
            ("chord", chord?.jsonValue ?? .null),
        ])
        return .array([.array(args), .object(kwargs), .object(embed)])
    }

    /// The kombu envelope for this message.
    public var envelope: KombuEnvelope {
        var payload = JSONSerializer().serialize(body)
        if compress { payload = BodyCodec.compress(payload) }
        var properties = MessageProperties(
            deliveryTag: deliveryTag, deliveryInfo: DeliveryInfo(exchange: exchange, routingKey: routingKey),
            priority: max(0, min(9, priority)), bodyEncoding: "base64", correlationID: id, replyTo: replyTo)
        properties.raw = extraProperties
        return KombuEnvelope(
            body: Data(payload).base64EncodedString(), headers: headers, properties: properties)
    }

    /// The envelope bytes to LPUSH.
    public func encoded() -> [UInt8] { envelope.encoded() }
}
