/// The `properties` of a kombu envelope.
public struct MessageProperties: Sendable, Hashable {
    /// The publisher's unique tag for this delivery: the `unacked` hash field.
    public var deliveryTag: String
    /// `delivery_info.exchange` and `.routing_key` (both required by Python consumers).
    public var deliveryInfo: DeliveryInfo
    /// 0–9; on Redis a lower number is served first.
    public var priority: Int
    /// `base64` (what kombu writes) or nil / `utf-8` for a plain-text body.
    public var bodyEncoding: String?
    /// The task id, for task messages.
    public var correlationID: String?
    /// The client's reply id (only the rpc:// backend uses it; kept when republishing).
    public var replyTo: String?
    /// 2 (persistent) for tasks, 1 for events and replies.
    public var deliveryMode: Int
    /// Every property as it arrived, including unknown keys.
    public var raw: JSONObject

    /// Creates properties for a new message.
    public init(
        deliveryTag: String, deliveryInfo: DeliveryInfo, priority: Int = 0, bodyEncoding: String? = "base64",
        correlationID: String? = nil, replyTo: String? = nil, deliveryMode: Int = 2
    ) {
        self.deliveryTag = deliveryTag
        self.deliveryInfo = deliveryInfo
        self.priority = priority
        self.bodyEncoding = bodyEncoding
        self.correlationID = correlationID
        self.replyTo = replyTo
        self.deliveryMode = deliveryMode
        self.raw = JSONObject()
    }

    /// Reads `properties`, requiring what Python consumers require.
    init(decoding object: JSONObject) throws(CeleryWireError) {
        raw = object
        guard let tag = object["delivery_tag"], !tag.isNull else {
            throw CeleryWireError(
                .missingField, field: "properties.delivery_tag", expected: "string",
                message: "the envelope has no delivery tag")
        }
        switch tag {
        case .string(let text): deliveryTag = text
        case .int(let number): deliveryTag = String(number)
        default:
            throw CeleryWireError(
                .wrongType, field: "properties.delivery_tag", expected: "string",
                message: "delivery tag is a \(tag.typeName)")
        }
        guard let info = object["delivery_info"]?.objectValue else {
            throw CeleryWireError(
                .missingField, field: "properties.delivery_info", expected: "object",
                message: "the envelope has no delivery_info")
        }
        guard let exchange = info["exchange"]?.stringValue else {
            throw CeleryWireError(
                .missingField, field: "properties.delivery_info.exchange", expected: "string",
                message: "delivery_info has no exchange")
        }
        guard let routingKey = info["routing_key"]?.stringValue else {
            throw CeleryWireError(
                .missingField, field: "properties.delivery_info.routing_key", expected: "string",
                message: "delivery_info has no routing_key")
        }
        deliveryInfo = DeliveryInfo(
            exchange: exchange, routingKey: routingKey, redelivered: info["redelivered"]?.boolValue ?? false)
        let rawPriority = object["priority"]?.intValue ?? 0
        priority = Int(max(0, min(9, rawPriority)))
        bodyEncoding = object["body_encoding"]?.stringValue
        correlationID = object["correlation_id"]?.stringValue
        replyTo = object["reply_to"]?.stringValue
        deliveryMode = Int(object["delivery_mode"]?.intValue ?? 2)
    }

    /// The properties object to write. Decoded properties keep their original key order (so a
    /// restored message is re-serialized as kombu wrote it); new ones use kombu's order, with
    /// extra keys (such as `origin` on a retry) after `reply_to`.
    public var jsonObject: JSONObject {
        var info = raw["delivery_info"]?.objectValue ?? JSONObject()
        info["exchange"] = .string(deliveryInfo.exchange)
        info["routing_key"] = .string(deliveryInfo.routingKey)
        if deliveryInfo.redelivered { info["redelivered"] = .bool(true) }
        var object = JSONObject()
        if raw["delivery_tag"] != nil {
            object = raw
        } else {
            if let correlationID { object["correlation_id"] = .string(correlationID) }
            if let replyTo { object["reply_to"] = .string(replyTo) }
            for member in raw.members where !Self.ownKeys.contains(member.key) {
                object[member.key] = member.value
            }
        }
        if let correlationID { object["correlation_id"] = .string(correlationID) }
        if let replyTo { object["reply_to"] = .string(replyTo) }
        object["delivery_mode"] = .int(Int64(deliveryMode))
        object["delivery_info"] = .object(info)
        object["priority"] = .int(Int64(priority))
        if let bodyEncoding { object["body_encoding"] = .string(bodyEncoding) }
        object["delivery_tag"] = .string(deliveryTag)
        return object
    }

    private static let ownKeys: Set<String> = [
        "correlation_id", "reply_to", "delivery_mode", "delivery_info", "priority", "body_encoding", "delivery_tag",
    ]
}
