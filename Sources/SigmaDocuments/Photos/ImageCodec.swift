import CImageShim
import Foundation

/// Decoding and encoding through libjpeg-turbo and libpng. Every function is synchronous and
/// CPU-bound: call it from a dedicated thread, never from Swift's cooperative pool.
enum ImageCodec {
    /// The container format recognised from the first bytes.
    enum Format { case jpeg, png }

    static func sniff(_ data: Data) -> Format? {
        guard data.count >= 8 else { return nil }
        let b = [UInt8](data.prefix(8))
        if b[0] == 0xFF && b[1] == 0xD8 { return .jpeg }
        if b == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return .png }
        return nil
    }

    /// Size, colour model and orientation of a JPEG without decoding its pixels.
    static func jpegInfo(_ data: Data) throws -> (width: Int, height: Int, model: DecodedImage.Model, orientation: Int)
    {
        var info = sw_img_image()
        var error = sw_img_error()
        let rc = data.withUnsafeBytes { raw in
            sw_jpeg_read_info(raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count, &info, &error)
        }
        try check(rc, error, code: .undecodableImage, what: "JPEG")
        return (Int(info.width), Int(info.height), DecodedImage.Model(info.model), Int(info.orientation))
    }

    /// Decodes a JPEG scaled by `scaleNumerator`/8 in the DCT domain.
    static func decodeJPEG(_ data: Data, scaleNumerator: Int = 8, fastIDCT: Bool = false) throws -> DecodedImage {
        var image = sw_img_image()
        var error = sw_img_error()
        let rc = data.withUnsafeBytes { raw in
            sw_jpeg_decode(
                raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count,
                Int32(scaleNumerator), fastIDCT ? 1 : 0, &image, &error)
        }
        try check(rc, error, code: .undecodableImage, what: "JPEG")
        return DecodedImage(adopting: image)
    }

    /// Decodes a JPEG scaled by `scaleNumerator`/8 in the DCT domain and resizes it with Lanczos-3 to
    /// exactly `size` as rows arrive (no full-size intermediate image).
    static func decodeJPEG(_ data: Data, scaleNumerator: Int, resizedTo size: (width: Int, height: Int)) throws
        -> DecodedImage
    {
        var image = sw_img_image()
        var error = sw_img_error()
        let rc = data.withUnsafeBytes { raw in
            sw_jpeg_decode_resized(
                raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count,
                Int32(scaleNumerator), Int32(size.width), Int32(size.height), &image, &error)
        }
        try check(rc, error, code: .undecodableImage, what: "JPEG")
        return DecodedImage(adopting: image)
    }

    /// Decodes a JPEG scaled by `scaleNumerator`/8, resizes it with Lanczos-3 to exactly `size` and
    /// encodes the result as baseline JPEG (4:2:0 for colour), streaming rows from the decoder through
    /// the resampler into the encoder. No orientation is applied.
    static func recompressJPEG(
        _ data: Data, scaleNumerator: Int, resizedTo size: (width: Int, height: Int), quality: Int, optimize: Bool
    ) throws -> Data {
        var info = sw_img_image()
        var error = sw_img_error()
        var out: UnsafeMutablePointer<UInt8>?
        var length = 0
        let rc = data.withUnsafeBytes { raw in
            sw_jpeg_recompress(
                raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count,
                Int32(scaleNumerator), Int32(size.width), Int32(size.height), Int32(quality), optimize ? 1 : 0,
                &out, &length, &info, &error)
        }
        let code: DocumentError.Code = rc == SW_IMG_ERR_ENCODE ? .encodingFailed : .undecodableImage
        try check(rc, error, code: code, what: rc == SW_IMG_ERR_ENCODE ? "JPEG encoder" : "JPEG")
        guard let out else { throw DocumentError(code: .encodingFailed, message: "JPEG encoder returned no data") }
        return Data(bytesNoCopy: out, count: length, deallocator: .custom { pointer, _ in sw_img_free(pointer) })
    }

    static func decodePNG(_ data: Data) throws -> DecodedImage {
        var image = sw_img_image()
        var error = sw_img_error()
        let rc = data.withUnsafeBytes { raw in
            sw_png_decode(raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count, &image, &error)
        }
        try check(rc, error, code: .undecodableImage, what: "PNG")
        return DecodedImage(adopting: image)
    }

    /// Decodes either format at full size.
    static func decode(_ data: Data) throws -> DecodedImage {
        switch sniff(data) {
        case .jpeg: return try decodeJPEG(data)
        case .png: return try decodePNG(data)
        case nil:
            throw DocumentError(code: .undecodableImage, message: "not a JPEG or PNG image")
        }
    }

    /// Encodes gray, RGB or CMYK pixels as a baseline JPEG (4:2:0 for colour).
    static func encodeJPEG(_ image: DecodedImage, quality: Int, optimize: Bool) throws -> Data {
        var out: UnsafeMutablePointer<UInt8>?
        var length = 0
        var error = sw_img_error()
        let rc = sw_jpeg_encode(
            image.pixels, Int32(image.width), Int32(image.height), image.model.raw,
            Int32(quality), optimize ? 1 : 0, &out, &length, &error)
        try check(rc, error, code: .encodingFailed, what: "JPEG encoder")
        guard let out else { throw DocumentError(code: .encodingFailed, message: "JPEG encoder returned no data") }
        return Data(bytesNoCopy: out, count: length, deallocator: .custom { pointer, _ in sw_img_free(pointer) })
    }

    private static func check(_ rc: Int32, _ error: sw_img_error, code: DocumentError.Code, what: String) throws {
        guard rc != SW_IMG_OK else { return }
        var message = error
        let text = withUnsafeBytes(of: &message.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        let finalCode: DocumentError.Code = rc == SW_IMG_ERR_UNSUPPORTED ? .unsupportedImage : code
        throw DocumentError(code: finalCode, message: "\(what): \(text.isEmpty ? "unknown error" : text)")
    }
}
