import CImageShim

/// Pixels decoded by libjpeg-turbo or libpng: interleaved 8-bit samples in a C buffer that this
/// object owns and frees.
final class DecodedImage {
    /// Colour model of the samples.
    enum Model: Equatable {
        case gray, grayAlpha, rgb, rgba, cmyk

        init(_ raw: Int32) {
            switch raw {
            case SW_IMG_GRAY: self = .gray
            case SW_IMG_GRAY_ALPHA: self = .grayAlpha
            case SW_IMG_RGBA: self = .rgba
            case SW_IMG_CMYK: self = .cmyk
            default: self = .rgb
            }
        }

        var raw: Int32 {
            switch self {
            case .gray: SW_IMG_GRAY
            case .grayAlpha: SW_IMG_GRAY_ALPHA
            case .rgb: SW_IMG_RGB
            case .rgba: SW_IMG_RGBA
            case .cmyk: SW_IMG_CMYK
            }
        }

        var channels: Int {
            switch self {
            case .gray: 1
            case .grayAlpha: 2
            case .rgb: 3
            case .rgba, .cmyk: 4
            }
        }
    }

    let pixels: UnsafeMutablePointer<UInt8>
    let width: Int
    let height: Int
    let model: Model
    /// EXIF orientation (1...8) read from the source; 1 when absent.
    let orientation: Int
    /// The PNG source was a palette image.
    let wasPalette: Bool

    /// Takes ownership of a malloc'd buffer filled by the shim.
    init(adopting image: sw_img_image) {
        pixels = image.pixels
        width = Int(image.width)
        height = Int(image.height)
        model = Model(image.model)
        orientation = Int(image.orientation)
        wasPalette = image.was_palette != 0
    }

    /// Allocates an uninitialised buffer with the C allocator so deinit can free either kind.
    init(width: Int, height: Int, model: Model, orientation: Int = 1) {
        let raw = malloc(width * height * model.channels + Self.padding)!
        pixels = raw.bindMemory(to: UInt8.self, capacity: width * height * model.channels)
        self.width = width
        self.height = height
        self.model = model
        self.orientation = orientation
        self.wasPalette = false
    }

    deinit { sw_img_free(pixels) }

    /// Extra bytes after the last pixel so vector loads may read a little past the end
    /// (the C shim pads its buffers the same way).
    static let padding = Int(SW_IMG_PADDING)

    var channels: Int { model.channels }
    var byteCount: Int { width * height * model.channels }

    var buffer: UnsafeMutableBufferPointer<UInt8> {
        UnsafeMutableBufferPointer(start: pixels, count: byteCount)
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
