import CZlibShim
import Foundation

/// Turns an envelope's `body` string into payload bytes and back: `body_encoding` (base64) and
/// `headers.compression`, in kombu's order (compress, then base64; on read the reverse).
public enum BodyCodec {
    /// The content types this library deserializes. Everything else is refused.
    public static let acceptedContentTypes: Set<String> = ["application/json"]

    /// Content types kombu calls pickle, YAML and msgpack, named in refusals.
    static let serializerNames: [String: String] = [
        "application/x-python-serialize": "pickle",
        "application/x-yaml": "yaml",
        "application/x-msgpack": "msgpack",
        "application/data": "raw bytes",
        "application/text": "raw text",
    ]

    /// Decodes `body_encoding` (base64, or nil / `utf-8` for plain text).
    public static func decodeBodyEncoding(_ body: String, encoding: String?) throws(CeleryWireError) -> [UInt8] {
        switch encoding?.lowercased() {
        case nil, "utf-8", "utf8":
            return Array(body.utf8)
        case "base64":
            guard let data = Data(base64Encoded: body, options: .ignoreUnknownCharacters) else {
                throw CeleryWireError(
                    .invalidBase64, field: "body", expected: "base64 text", message: "the body is not valid base64")
            }
            return Array(data)
        case let other?:
            throw CeleryWireError(
                .wrongType, field: "properties.body_encoding", expected: "base64 or utf-8",
                message: "unknown body encoding \(other)")
        }
    }

    /// Inflates a body compressed as `headers.compression` names it.
    public static func decompress(_ bytes: [UInt8], compression: String) throws(CeleryWireError) -> [UInt8] {
        switch compression.lowercased() {
        case "application/x-gzip", "zlib", "gzip", "application/gzip":
            return try inflate(bytes)
        default:
            throw CeleryWireError(
                .unsupportedCompression, field: "headers.compression", expected: "application/x-gzip (zlib) or gzip",
                message: "compression \(compression) is not supported")
        }
    }

    /// Compresses a body with zlib, which kombu labels `application/x-gzip`.
    public static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = bytes.withUnsafeBufferPointer { buffer in
            sw_zlib_deflate(buffer.baseAddress, buffer.count, 6, SW_ZLIB_FORMAT_ZLIB, &output, &length)
        }
        guard status == SW_ZLIB_OK, let output else { return bytes }
        defer { sw_zlib_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }

    /// Refuses any content type that is not JSON, naming the serializer; never deserializes it.
    public static func checkContentType(_ contentType: String?) throws(CeleryWireError) {
        let type = (contentType ?? "application/json").lowercased()
        guard acceptedContentTypes.contains(type) else {
            let name = serializerNames[type].map { "\($0) (\(type))" } ?? type
            throw CeleryWireError(
                .unsupportedContentType, field: "content-type", expected: "application/json",
                message: "refusing to deserialize untrusted content of type \(name)")
        }
    }

    static func inflate(_ bytes: [UInt8]) throws(CeleryWireError) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        var length = 0
        let status = bytes.withUnsafeBufferPointer { buffer in
            sw_zlib_inflate(
                buffer.baseAddress, buffer.count, SW_ZLIB_FORMAT_AUTO, CeleryWire.maximumBodySize, &output, &length)
        }
        guard status == SW_ZLIB_OK else {
            let reason =
                switch status {
                case SW_ZLIB_ERR_TRUNCATED: "the compressed body is truncated"
                case SW_ZLIB_ERR_TOO_LARGE: "the body inflates beyond \(CeleryWire.maximumBodySize) bytes"
                default: "the compressed body is corrupt"
                }
            throw CeleryWireError(
                .decompressionFailed, field: "body", expected: "a zlib or gzip stream", message: reason)
        }
        guard let output else { return [] }
        defer { sw_zlib_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }
}
