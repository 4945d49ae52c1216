import CeleryWire
import Foundation
import Testing

/// Hostile and broken inputs give typed errors naming the field, never a crash.
@Suite struct MalformedInputTests {
    /// A valid envelope around a body, to break one part at a time.
    static func envelope(
        body: String, contentType: String = "application/json", headers: String = #"{"task": "t", "id": "i"}"#,
        properties: String =
            #"{"delivery_tag": "d", "delivery_info": {"exchange": "", "routing_key": "celery"}, "body_encoding": "base64"}"#
    ) -> [UInt8] {
        Array(
            #"{"body": "\#(body)", "content-type": "\#(contentType)", "content-encoding": "utf-8", "headers": \#(headers), "properties": \#(properties)}"#
                .utf8)
    }

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var bytes: [UInt8]
        var code: CeleryWireError.Code
        var field: String?
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "empty input", bytes: [], code: .malformedJSON, field: "envelope"),
        Case(name: "not JSON", bytes: Array("hello".utf8), code: .malformedJSON, field: "envelope"),
        Case(
            name: "truncated envelope", bytes: Array(envelope(body: base64("[[], {}, {}]")).dropLast(7)),
            code: .malformedJSON, field: "envelope"),
        Case(name: "envelope is an array", bytes: Array("[1, 2]".utf8), code: .malformedEnvelope, field: "envelope"),
        Case(name: "invalid UTF-8", bytes: [0x22, 0xFF, 0xFE, 0x22], code: .malformedJSON, field: "envelope"),
        Case(
            name: "deep nesting", bytes: Array(String(repeating: "[", count: 100_000).utf8), code: .tooLarge,
            field: "envelope"),
        Case(
            name: "no body", bytes: Array(#"{"headers": {}, "properties": {}}"#.utf8), code: .missingField,
            field: "body"),
        Case(
            name: "body is a number", bytes: Array(#"{"body": 5, "properties": {}}"#.utf8), code: .wrongType,
            field: "body"),
        Case(
            name: "no properties", bytes: Array(#"{"body": "", "headers": {}}"#.utf8), code: .missingField,
            field: "properties"),
        Case(
            name: "no delivery tag",
            bytes: envelope(
                body: base64("[[], {}, {}]"), properties: #"{"delivery_info": {"exchange": "", "routing_key": "q"}}"#),
            code: .missingField, field: "properties.delivery_tag"),
        Case(
            name: "no delivery_info.exchange",
            bytes: envelope(
                body: base64("[[], {}, {}]"),
                properties: #"{"delivery_tag": "d", "delivery_info": {"routing_key": "q"}}"#),
            code: .missingField, field: "properties.delivery_info.exchange"),
        Case(name: "bad base64", bytes: envelope(body: "!!!not base64@@@="), code: .invalidBase64, field: "body"),
        Case(
            name: "truncated body JSON", bytes: envelope(body: base64("[[1, 2], {\"a\": ")), code: .malformedJSON,
            field: "body"),
        Case(
            name: "pickle content type",
            bytes: envelope(body: "gASVAAAA", contentType: "application/x-python-serialize"),
            code: .unsupportedContentType, field: "content-type"),
        Case(
            name: "yaml content type", bytes: envelope(body: base64("- 1"), contentType: "application/x-yaml"),
            code: .unsupportedContentType, field: "content-type"),
        Case(
            name: "msgpack content type", bytes: envelope(body: base64("x"), contentType: "application/x-msgpack"),
            code: .unsupportedContentType, field: "content-type"),
        Case(
            name: "missing task and v1 body", bytes: envelope(body: base64("[[], {}, {}]"), headers: "{}"),
            code: .unknownMessage, field: "headers.task"),
        Case(
            name: "missing id", bytes: envelope(body: base64("[[], {}, {}]"), headers: #"{"task": "t"}"#),
            code: .missingField, field: "headers.id"),
        Case(name: "body of one element", bytes: envelope(body: base64("[[]]")), code: .malformedBody, field: "body"),
        Case(
            name: "body is an object without args", bytes: envelope(body: base64("{\"x\": 1}")), code: .malformedBody,
            field: "body"),
        Case(
            name: "kwargs is a list", bytes: envelope(body: base64("[[], [1], {}]")), code: .wrongType, field: "body[1]"
        ),
        Case(
            name: "args is a string", bytes: envelope(body: base64("[\"abc\", {}, {}]")), code: .wrongType,
            field: "body[0]"),
        Case(
            name: "retries is a string",
            bytes: envelope(body: base64("[[], {}, {}]"), headers: #"{"task": "t", "id": "i", "retries": "2"}"#),
            code: .wrongType, field: "headers.retries"),
        Case(
            name: "invalid eta",
            bytes: envelope(body: base64("[[], {}, {}]"), headers: #"{"task": "t", "id": "i", "eta": "tomorrow"}"#),
            code: .invalidDate, field: "headers.eta"),
        Case(
            name: "eta with month 13",
            bytes: envelope(
                body: base64("[[], {}, {}]"), headers: #"{"task": "t", "id": "i", "eta": "2026-13-01T00:00:00"}"#),
            code: .invalidDate, field: "headers.eta"),
        Case(
            name: "timelimit of three",
            bytes: envelope(
                body: base64("[[], {}, {}]"), headers: #"{"task": "t", "id": "i", "timelimit": [1, 2, 3]}"#),
            code: .wrongType, field: "headers.timelimit"),
        Case(
            name: "unknown __type__ marker",
            bytes: envelope(body: base64(#"[[{"__type__": "pickle", "__value__": "x"}], {}, {}]"#)),
            code: .unsupportedTypeMarker, field: "body[0][0]"),
        Case(
            name: "bad uuid marker",
            bytes: envelope(body: base64(#"[[], {"u": {"__type__": "uuid", "__value__": {"hex": "zz"}}}, {}]"#)),
            code: .unsupportedTypeMarker, field: "body[1].u"),
        Case(
            name: "corrupt zlib body",
            bytes: envelope(
                body: base64("not zlib at all"),
                headers: #"{"task": "t", "id": "i", "compression": "application/x-gzip"}"#),
            code: .decompressionFailed, field: "body"),
        Case(
            name: "bz2 compression",
            bytes: envelope(
                body: base64("x"), headers: #"{"task": "t", "id": "i", "compression": "application/x-bz2"}"#),
            code: .unsupportedCompression, field: "headers.compression"),
        Case(
            name: "callback is a number", bytes: envelope(body: base64(#"[[], {}, {"callbacks": [5]}]"#)),
            code: .wrongType,
            field: "body[2].callbacks[0]"),
        Case(
            name: "chord without task", bytes: envelope(body: base64(#"[[], {}, {"chord": {"args": []}}]"#)),
            code: .missingField, field: "body[2].chord.task"),
    ]

    @Test(arguments: cases)
    func malformedInputIsATypedError(_ sample: Case) {
        let error = #expect(throws: CeleryWireError.self) { try TaskRequest.decode(sample.bytes) }
        #expect(error?.code == sample.code, "\(sample.name): \(String(describing: error))")
        if let field = sample.field { #expect(error?.field == field, "\(sample.name): \(String(describing: error))") }
        #expect(!(error?.description.isEmpty ?? true))
    }

    @Test func twoElementBodyIsAccepted() throws {
        let request = try TaskRequest.decode(Self.envelope(body: Self.base64("[[1], {\"k\": 2}]")))
        #expect(request.args == [1])
        #expect(request.kwargs["k"] == 2)
        #expect(request.callbacks.isEmpty && request.chain.isEmpty && request.chord == nil)
    }

    @Test func plainTextBodyWithoutEncoding() throws {
        let bytes = Array(
            #"{"body": "[[2, 3], {}, {}]", "content-type": "application/json", "headers": {"task": "t", "id": "i"}, "properties": {"delivery_tag": "d", "delivery_info": {"exchange": "", "routing_key": "celery"}}}"#
                .utf8)
        let request = try TaskRequest.decode(bytes)
        #expect(request.args == [2, 3])
    }

    @Test func identityIsReadableWhenTheBodyIsRefused() throws {
        let envelope = try KombuEnvelope.decode(
            Self.envelope(body: "gASV", contentType: "application/x-python-serialize"))
        #expect(TaskRequest.identity(of: envelope).id == "i")
        #expect(TaskRequest.identity(of: envelope).task == "t")
        #expect(throws: CeleryWireError.self) { try envelope.payload() }
    }

    /// Random byte mutations of real fixtures never crash the decoder.
    @Test func mutatedFixturesNeverCrash() {
        var generator = SplitMix64(seed: 0x5151)
        var decoded = 0
        for entry in FixtureManifest.shared.messages {
            let original = entry.bytes
            guard !original.isEmpty else { continue }
            for _ in 0..<40 {
                var bytes = original
                let edits = Int(generator.next() % 4) + 1
                for _ in 0..<edits {
                    let position = Int(generator.next() % UInt64(bytes.count))
                    switch generator.next() % 3 {
                    case 0: bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                    case 1: bytes.remove(at: position)
                    default: bytes = Array(bytes.prefix(position))
                    }
                    if bytes.isEmpty { break }
                }
                if (try? TaskRequest.decode(bytes)) != nil { decoded += 1 }
            }
        }
        // Some mutations land in ignorable places (base64 padding, header values); most are refused.
        #expect(decoded >= 0)
    }
}

/// A small deterministic generator for fuzz-style tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
