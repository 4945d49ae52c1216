import CZlibShim
import Foundation

/// An image ready to be placed in a PDF: JPEG data passed through as DCTDecode, or PNG pixels
/// re-compressed as FlateDecode with the alpha channel as a soft mask.
///
/// Building one costs a PNG decode and a deflate; a caller that draws the same static asset
/// (a logo, the damage diagram) in many documents can build it once and reuse the value.
public struct PDFImage: Sendable {
    /// Pixel size.
    public let width: Int
    public let height: Int
    let colorSpace: String
    let filter: String
    let decodeArray: String?
    let stream: Data
    let softMask: Data?

    /// Creates an image from JPEG or PNG bytes, recognised by content.
    public init(data: Data) throws {
        switch ImageCodec.sniff(data) {
        case .jpeg: try self.init(jpeg: data)
        case .png: try self.init(png: data)
        case nil: throw DocumentError(code: .undecodableImage, message: "not a JPEG or PNG image")
        }
    }

    /// Reads an image file (JPEG or PNG).
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw DocumentError(code: .fileAccess, message: "cannot read \(url.path): \(error.localizedDescription)")
        }
        try self.init(data: data)
    }

    /// Flattens a PNG onto white and re-encodes it as JPEG (what the Python generators do with
    /// PNG assets: smaller files and much faster than deflating the pixels). JPEG input is
    /// embedded unchanged.
    public init(flattening data: Data, quality: Int = 90) throws {
        guard ImageCodec.sniff(data) == .png else {
            try self.init(data: data)
            return
        }
        var image = try ImageCodec.decodePNG(data)
        switch image.model {
        case .rgba: image = PixelOperations.flattenRGBAOnWhite(image)
        case .grayAlpha: image = PixelOperations.toRGBIgnoringAlpha(image)
        default: break
        }
        try self.init(jpeg: try ImageCodec.encodeJPEG(image, quality: quality, optimize: false))
    }

    /// Embeds JPEG bytes unchanged; size and components come from the SOF marker.
    public init(jpeg: Data) throws {
        let header = try JPEGHeader(jpeg)
        width = header.width
        height = header.height
        switch header.components {
        case 1: colorSpace = "/DeviceGray"
        case 4: colorSpace = "/DeviceCMYK"
        default: colorSpace = "/DeviceRGB"
        }
        decodeArray = header.components == 4 && header.adobe ? "[1 0 1 0 1 0 1 0]" : nil
        filter = "/DCTDecode"
        stream = jpeg
        softMask = nil
    }

    /// Decodes a PNG with libpng and re-compresses its colour (and alpha, when not opaque).
    public init(png: Data, compressionLevel: Int = 6) throws {
        let image = try ImageCodec.decodePNG(png)
        let pixelCount = image.width * image.height
        let colourChannels = image.model == .gray || image.model == .grayAlpha ? 1 : 3
        let hasAlpha = image.model == .grayAlpha || image.model == .rgba
        var colour = Data(count: pixelCount * colourChannels)
        var alpha = hasAlpha ? Data(count: pixelCount) : Data()
        var opaque = true
        if hasAlpha {
            let channels = image.channels
            let source = image.pixels
            colour.withUnsafeMutableBytes { colourRaw in
                alpha.withUnsafeMutableBytes { alphaRaw in
                    let c = colourRaw.bindMemory(to: UInt8.self)
                    let a = alphaRaw.bindMemory(to: UInt8.self)
                    var minimum: UInt8 = 255
                    for i in 0..<pixelCount {
                        let s = source + i * channels
                        for k in 0..<colourChannels { c[i * colourChannels + k] = s[k] }
                        let value = s[channels - 1]
                        a[i] = value
                        minimum = min(minimum, value)
                    }
                    opaque = minimum == 255
                }
            }
        } else {
            colour = Data(bytes: image.pixels, count: image.byteCount)
        }
        width = image.width
        height = image.height
        colorSpace = colourChannels == 1 ? "/DeviceGray" : "/DeviceRGB"
        filter = "/FlateDecode"
        decodeArray = nil
        stream = try Deflate.compress(colour, level: compressionLevel)
        softMask = hasAlpha && !opaque ? try Deflate.compress(alpha, level: compressionLevel) : nil
    }
}

/// The fields of a JPEG start-of-frame marker that a PDF image dictionary needs.
struct JPEGHeader {
    var width = 0
    var height = 0
    var components = 0
    var adobe = false

    init(_ data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else {
            throw DocumentError(code: .undecodableImage, message: "JPEG: missing SOI marker")
        }
        var i = 2
        while i + 3 < bytes.count {
            guard bytes[i] == 0xFF else {
                throw DocumentError(code: .undecodableImage, message: "JPEG: bad marker at byte \(i)")
            }
            let marker = bytes[i + 1]
            if marker == 0xFF { i += 1; continue }
            if marker == 0x01 || (0xD0...0xD7).contains(marker) { i += 2; continue }
            let length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
            guard length >= 2, i + 2 + length <= bytes.count else { break }
            if marker == 0xEE, length >= 7, bytes[(i + 4)..<(i + 9)].elementsEqual("Adobe".utf8) {
                adobe = true
            }
            let isSOF = (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
            if isSOF && length >= 8 {
                height = Int(bytes[i + 5]) << 8 | Int(bytes[i + 6])
                width = Int(bytes[i + 7]) << 8 | Int(bytes[i + 8])
                components = Int(bytes[i + 9])
                guard width > 0, height > 0, [1, 3, 4].contains(components) else { break }
                return
            }
            if marker == 0xDA { break }
            i += 2 + length
        }
        throw DocumentError(code: .undecodableImage, message: "JPEG: no usable frame header")
    }
}

/// zlib compression through CZlibShim.
enum Deflate {
    static func compress(_ data: Data, level: Int) throws -> Data {
        var out: UnsafeMutablePointer<UInt8>?
        var length = 0
        let rc = data.withUnsafeBytes { raw in
            sw_zlib_deflate(
                raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count, Int32(level),
                SW_ZLIB_FORMAT_ZLIB, &out, &length)
        }
        guard rc == SW_ZLIB_OK, let out else {
            throw DocumentError(code: .encodingFailed, message: "zlib deflate failed (\(rc))")
        }
        return Data(bytesNoCopy: out, count: length, deallocator: .custom { pointer, _ in sw_zlib_free(pointer) })
    }
}
