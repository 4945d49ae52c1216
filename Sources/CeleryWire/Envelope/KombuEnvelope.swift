/// The JSON object kombu pushes onto a Redis list for every message.
public struct KombuEnvelope: Sendable, Hashable {
    /// The serialized payload, base64 when `properties.bodyEncoding` says so.
    public var body: String
    /// The payload's content type after base64 and decompression.
    public var contentType: String?
    /// The payload's character encoding (`utf-8`, or `binary`).
    public var contentEncoding: String?
    /// The headers (task headers for tasks).
    public var headers: JSONObject
    /// The properties.
    public var properties: MessageProperties
    /// Every top-level key as it arrived, in order.
    public var raw: JSONObject

    /// Creates an envelope for a new message.
    public init(
        body: String, contentType: String? = "application/json", contentEncoding: String? = "utf-8",
        headers: JSONObject, properties: MessageProperties
    ) {
        self.body = body
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.headers = headers
        self.properties = properties
        self.raw = JSONObject()
    }

    /// Decodes an envelope exactly as popped from Redis.
    /// - Throws: `CeleryWireError` naming the field, for anything that is not a kombu envelope.
    public static func decode(_ bytes: some Collection<UInt8>) throws(CeleryWireError) -> KombuEnvelope {
        guard bytes.count <= CeleryWire.maximumBodySize else {
            throw CeleryWireError(.tooLarge, field: "envelope", message: "the message is \(bytes.count) bytes")
        }
        let value = try JSONParser().parse(bytes, field: "envelope")
        guard case .object(let object) = value else {
            throw CeleryWireError(
                .malformedEnvelope, field: "envelope", expected: "object",
                message: "the envelope is a JSON \(value.typeName)")
        }
        return try KombuEnvelope(decoding: object)
    }

    /// Reads an already parsed envelope object.
    public init(decoding object: JSONObject) throws(CeleryWireError) {
        raw = object
        switch object["body"] {
        case .string(let text)?: body = text
        case nil, .null?:
            throw CeleryWireError(.missingField, field: "body", expected: "string", message: "the envelope has no body")
        case let other?:
            throw CeleryWireError(
                .wrongType, field: "body", expected: "string", message: "the body is a JSON \(other.typeName)")
        }
        contentType = object["content-type"]?.stringValue
        contentEncoding = object["content-encoding"]?.stringValue
        switch object["headers"] {
        case .object(let headers)?: self.headers = headers
        case nil, .null?: self.headers = JSONObject()
        case let other?:
            throw CeleryWireError(
                .wrongType, field: "headers", expected: "object", message: "headers is a JSON \(other.typeName)")
        }
        guard let properties = object["properties"]?.objectValue else {
            throw CeleryWireError(
                .missingField, field: "properties", expected: "object", message: "the envelope has no properties")
        }
        self.properties = try MessageProperties(decoding: properties)
    }

    /// The payload bytes: base64 and compression undone, content type checked.
    /// - Throws: `unsupportedContentType` before touching a pickle, YAML or msgpack body.
    public func payload() throws(CeleryWireError) -> [UInt8] {
        try BodyCodec.checkContentType(contentType)
        var bytes = try BodyCodec.decodeBodyEncoding(body, encoding: properties.bodyEncoding)
        if let compression = headers["compression"]?.stringValue {
            bytes = try BodyCodec.decompress(bytes, compression: compression)
        }
        return bytes
    }

    /// The payload parsed as JSON, with kombu's typed markers checked.
    public func decodedBody() throws(CeleryWireError) -> JSONValue {
        let value = try JSONParser().parse(try payload(), field: "body")
        try KombuTypedValue.validateMarkers(in: value, field: "body")
        return value
    }

    /// This envelope as kombu marks a message it puts back from `unacked`:
    /// `headers.redelivered` and `properties.delivery_info.redelivered` set, tag kept.
    public func markedRedelivered() -> KombuEnvelope {
        var copy = self
        copy.headers["redelivered"] = .bool(true)
        copy.properties.deliveryInfo.redelivered = true
        return copy
    }

    /// The envelope object: the original key order when decoded, kombu's order when new.
    public var jsonObject: JSONObject {
        var object = raw
        object["body"] = .string(body)
        object["content-encoding"] = JSONValue(contentEncoding)
        object["content-type"] = JSONValue(contentType)
        object["headers"] = .object(headers)
        object["properties"] = .object(properties.jsonObject)
        return object
    }

    /// The envelope serialized as kombu writes it.
    public func encoded() -> [UInt8] {
        JSONSerializer().serialize(.object(jsonObject))
    }
}
