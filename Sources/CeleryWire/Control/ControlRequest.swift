import Foundation

/// A remote-control request (`celery inspect …`, `celery control …`, `app.control.*`), as
/// kombu broadcasts it on the `celery.pidbox` fanout exchange (celery-wire.md §8).
public struct ControlRequest: Sendable, Hashable {
    /// Where a reply goes: the direct exchange `reply.celery.pidbox` and the client's routing key.
    public struct ReplyAddress: Sendable, Hashable {
        public var exchange: String
        public var routingKey: String
    }

    /// The command (`ping`, `stats`, `active`, `revoke`, …).
    public var method: String
    /// Its keyword arguments.
    public var arguments: JSONObject
    /// The node names it is for; nil means every worker.
    public var destination: [String]?
    /// A node-name pattern, used when `destination` is nil.
    public var pattern: String?
    /// How `pattern` matches: `glob` (default) or `pcre`.
    public var matcher: String?
    /// The ticket a reply carries; nil (with no `replyTo`) for a broadcast that expects none.
    public var ticket: String?
    /// Where the reply goes.
    public var replyTo: ReplyAddress?
    /// The sender's Lamport clock (`headers.clock`).
    public var clock: Int?

    /// Decodes a request from the bytes published on the pidbox channel.
    /// - Throws: `CeleryWireError` naming the field for anything that is not a control request.
    public static func decode(_ bytes: some Collection<UInt8>) throws(CeleryWireError) -> ControlRequest {
        let envelope = try KombuEnvelope.decode(bytes)
        guard let body = try envelope.decodedBody().objectValue else {
            throw CeleryWireError(
                .malformedBody, field: "body", expected: "object", message: "a control request body is a JSON object")
        }
        guard let method = body["method"]?.stringValue else {
            throw CeleryWireError(
                .missingField, field: "body.method", expected: "string", message: "no method in the control request")
        }
        var request = ControlRequest(method: method, arguments: body["arguments"]?.objectValue ?? JSONObject())
        request.destination = body["destination"]?.arrayValue?.compactMap(\.stringValue)
        request.pattern = body["pattern"]?.stringValue
        request.matcher = body["matcher"]?.stringValue
        request.ticket = body["ticket"]?.stringValue
        if let reply = body["reply_to"]?.objectValue, let routingKey = reply["routing_key"]?.stringValue {
            request.replyTo = ReplyAddress(
                exchange: reply["exchange"]?.stringValue ?? "reply.celery.pidbox", routingKey: routingKey)
        }
        request.clock = envelope.headers["clock"]?.intValue.map { Int($0) }
        return request
    }

    /// Creates a request (for tests and tools).
    public init(method: String, arguments: JSONObject = JSONObject()) {
        self.method = method
        self.arguments = arguments
    }

    /// Whether a worker of this node name handles the request: named in `destination`, or
    /// matching `pattern`, or addressed to all.
    public func isAddressed(to node: String) -> Bool {
        if let destination { return destination.contains(node) }
        guard let pattern else { return true }
        if matcher == "pcre" {
            guard let expression = try? NSRegularExpression(pattern: pattern) else { return false }
            let range = NSRange(node.startIndex..., in: node)
            return expression.firstMatch(in: node, options: .anchored, range: range) != nil
        }
        return fnmatch(pattern, node, 0) == 0
    }

    /// The reply envelope for a handler's result: body `{"<node>": value}`, headers with the
    /// ticket and clock, published to `replyTo`; nil when no reply is expected.
    public func reply(_ value: JSONValue, node: String, clock: Int, deliveryTag: String) -> KombuEnvelope? {
        guard let ticket, let replyTo else { return nil }
        let body = JSONSerializer().serialize(.object(JSONObject([(node, value)])))
        let properties = MessageProperties(
            deliveryTag: deliveryTag,
            deliveryInfo: DeliveryInfo(exchange: replyTo.exchange, routingKey: replyTo.routingKey),
            deliveryMode: 1)
        return KombuEnvelope(
            body: Data(body).base64EncodedString(),
            headers: JSONObject([("ticket", .string(ticket)), ("clock", .int(Int64(clock)))]),
            properties: properties)
    }
}
