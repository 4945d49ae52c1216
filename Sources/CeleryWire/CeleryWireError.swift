/// A decoding or encoding failure, naming the field and what was expected.
public struct CeleryWireError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is. Extensible: new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name.
        public let name: String

        /// Creates a code with a stable name.
        public init(_ name: String) { self.name = name }

        public var description: String { name }

        /// The text is not valid JSON (kombu's dialect).
        public static let malformedJSON = Code("malformedJSON")
        /// The envelope is valid JSON but not a kombu envelope.
        public static let malformedEnvelope = Code("malformedEnvelope")
        /// A required field is absent.
        public static let missingField = Code("missingField")
        /// A field has the wrong JSON type or an invalid value.
        public static let wrongType = Code("wrongType")
        /// `body` is not valid base64.
        public static let invalidBase64 = Code("invalidBase64")
        /// The compressed body could not be inflated.
        public static let decompressionFailed = Code("decompressionFailed")
        /// `headers.compression` names an algorithm this library does not implement.
        public static let unsupportedCompression = Code("unsupportedCompression")
        /// The content type is not JSON (pickle, YAML, msgpack …): refused, never deserialized.
        public static let unsupportedContentType = Code("unsupportedContentType")
        /// A `{"__type__": …}` marker kombu does not define, or a marker with a bad value.
        public static let unsupportedTypeMarker = Code("unsupportedTypeMarker")
        /// An ISO-8601 date, time or datetime that does not parse.
        public static let invalidDate = Code("invalidDate")
        /// The task body does not have the protocol's shape.
        public static let malformedBody = Code("malformedBody")
        /// Neither a task header nor a protocol v1 body: not a task message.
        public static let unknownMessage = Code("unknownMessage")
        /// The input is larger than the library accepts.
        public static let tooLarge = Code("tooLarge")
    }

    /// What kind of failure this is.
    public var code: Code
    /// The field concerned, as a path such as `headers.eta` or `body[1]`, when there is one.
    public var field: String?
    /// What was expected there, when it can be said.
    public var expected: String?
    /// A human-readable explanation.
    public var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - field: the field concerned.
    ///   - expected: what was expected in that field.
    ///   - message: the explanation.
    public init(_ code: Code, field: String? = nil, expected: String? = nil, message: String) {
        self.code = code
        self.field = field
        self.expected = expected
        self.message = message
    }

    public var description: String {
        var text = "\(code.name): \(message)"
        if let field { text += " [field \(field)" + (expected.map { ", expected \($0)" } ?? "") + "]" }
        return text
    }
}
