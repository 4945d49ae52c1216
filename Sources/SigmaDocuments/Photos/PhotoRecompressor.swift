import Foundation

/// Photo recompression for e-mails, with libjpeg-turbo and libpng.
///
/// Every function here is synchronous and CPU-bound (tens of milliseconds for a 12 MP photo):
/// run it on a dedicated thread pool, never on Swift's cooperative pool.
///
/// Downscaling decodes JPEGs at the largest DCT scale (n/8) that keeps both sides at or above
/// the target, then finishes with a Lanczos-3 filter to the exact size Pillow would produce; the
/// filter runs on rows as the decoder yields them and, for upright photos, hands each output row
/// straight to the encoder.
/// Unlike the Python worker, the EXIF orientation is applied, so photos are upright.
public enum PhotoRecompressor {
    /// A recompressed photo.
    public struct Output: Sendable {
        /// The encoded JPEG.
        public var jpeg: Data
        /// Size of the source as decoded (before orientation).
        public var originalWidth: Int
        public var originalHeight: Int
        /// Size of the JPEG (after orientation).
        public var width: Int
        public var height: Int
    }

    /// The customer-e-mail rule: flatten transparency onto white, longest side at most 1920
    /// (Lanczos), JPEG quality 85 with optimised Huffman tables, 4:2:0.
    public static func recompressForCustomerEmail(_ data: Data, applyOrientation: Bool = true) throws -> Output {
        try recompress(data, quality: 85, applyOrientation: applyOrientation, flattenBeforeResize: true) { w, h in
            let longest = max(w, h)
            guard longest > 1920 else { return (w, h) }
            let ratio = 1920 / Double(longest)
            return (Int(Double(w) * ratio), Int(Double(h) * ratio))
        }
    }

    /// The RHITSO rule's recompression step: fit within 1920 × 1080, quality 75, optimised.
    public static func recompressForRhitso(_ data: Data, applyOrientation: Bool = true) throws -> Output {
        try recompress(data, quality: 75, applyOrientation: applyOrientation, flattenBeforeResize: false) { w, h in
            let factor = min(1920 / Double(w), 1080 / Double(h), 1)
            guard factor < 1 else { return (w, h) }
            return (Int(Double(w) * factor), Int(Double(h) * factor))
        }
    }

    /// The largest-reduction DCT scale numerator (n/8) whose output still covers the target.
    static func dctScale(width: Int, height: Int, targetWidth: Int, targetHeight: Int) -> Int {
        for numerator in 1...8 {
            let w = (width * numerator + 7) / 8
            let h = (height * numerator + 7) / 8
            if w >= targetWidth && h >= targetHeight { return numerator }
        }
        return 8
    }

    private static func recompress(
        _ data: Data, quality: Int, applyOrientation: Bool, flattenBeforeResize: Bool,
        target: (Int, Int) -> (Int, Int)
    ) throws -> Output {
        var image: DecodedImage
        let originalWidth: Int
        let originalHeight: Int
        switch ImageCodec.sniff(data) {
        case .jpeg:
            let info = try ImageCodec.jpegInfo(data)
            originalWidth = info.width
            originalHeight = info.height
            let (tw, th) = target(info.width, info.height)
            try requireNonEmpty(tw, th)
            let scale = dctScale(width: info.width, height: info.height, targetWidth: tw, targetHeight: th)
            let scaledWidth = (info.width * scale + 7) / 8
            let scaledHeight = (info.height * scale + 7) / 8
            let resizes = scaledWidth != tw || scaledHeight != th
            let keepsModel = flattenBeforeResize || info.model == .rgb
            if resizes && keepsModel && (info.orientation == 1 || !applyOrientation) {
                // Upright, no colour conversion: decode, resize and encode in one row-by-row stream.
                let jpeg = try ImageCodec.recompressJPEG(
                    data, scaleNumerator: scale, resizedTo: (tw, th), quality: quality, optimize: true)
                return Output(
                    jpeg: jpeg, originalWidth: originalWidth, originalHeight: originalHeight, width: tw, height: th)
            }
            image =
                resizes
                ? try ImageCodec.decodeJPEG(data, scaleNumerator: scale, resizedTo: (tw, th))
                : try ImageCodec.decodeJPEG(data, scaleNumerator: scale)
        case .png:
            image = try ImageCodec.decodePNG(data)
            originalWidth = image.width
            originalHeight = image.height
            let (tw, th) = target(image.width, image.height)
            try requireNonEmpty(tw, th)
            if flattenBeforeResize {
                image = flattenForCustomer(image)
                image = LanczosResampler.resize(image, width: tw, height: th)
            } else {
                let palette = image.wasPalette
                image = LanczosResampler.resize(image, width: tw, height: th)
                // RGBA uses its alpha; palette and gray+alpha are pasted without mask.
                image =
                    image.model == .rgba && !palette
                    ? PixelOperations.flattenRGBAOnWhite(image) : PixelOperations.toRGBIgnoringAlpha(image)
            }
        case nil:
            throw DocumentError(code: .undecodableImage, message: "not a JPEG or PNG image")
        }
        if !flattenBeforeResize && image.model != .rgb {
            image = PixelOperations.toRGBIgnoringAlpha(image)
        }
        if applyOrientation {
            image = PixelOperations.applyOrientation(image, image.orientation)
        }
        let jpeg = try ImageCodec.encodeJPEG(image, quality: quality, optimize: true)
        return Output(
            jpeg: jpeg, originalWidth: originalWidth, originalHeight: originalHeight, width: image.width,
            height: image.height)
    }

    /// Extreme aspect ratios can truncate a side to 0; the encoder would reject that image.
    private static func requireNonEmpty(_ width: Int, _ height: Int) throws {
        guard width >= 1 && height >= 1 else {
            throw DocumentError(code: .encodingFailed, message: "JPEG encoder: empty image (\(width)x\(height))")
        }
    }

    /// §6.2 mode handling: RGBA (and palette with transparency) composited on white with alpha,
    /// gray+alpha pasted without mask (to RGB), anything else unchanged.
    private static func flattenForCustomer(_ image: DecodedImage) -> DecodedImage {
        switch image.model {
        case .rgba: PixelOperations.flattenRGBAOnWhite(image)
        case .grayAlpha: PixelOperations.toRGBIgnoringAlpha(image)
        default: image
        }
    }
}
