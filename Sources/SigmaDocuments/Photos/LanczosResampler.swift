import CImageShim

/// A separable Lanczos-3 resampler for 8-bit interleaved pixels, with the same kernel support,
/// centring and normalisation as Pillow's `Image.LANCZOS` (Resample.c `precompute_coeffs`).
///
/// The work is done by CImageShim (`sw_img_resize`): 14-bit fixed-point weights, the horizontal
/// pass straight on interleaved pixels, and both passes streamed row by row through a ring of a
/// few rows, so no full-size intermediate image is allocated. JPEG sources skip this type and
/// resize while decoding (`ImageCodec.decodeJPEG(_:scaleNumerator:resizedTo:)`).
enum LanczosResampler {
    /// Resizes `source` to exactly `width × height`.
    static func resize(_ source: DecodedImage, width: Int, height: Int) -> DecodedImage {
        if source.width == width && source.height == height { return source }
        let output = DecodedImage(width: width, height: height, model: source.model, orientation: source.orientation)
        // Nothing to compute for an empty image (the encoder rejects it later).
        guard width > 0 && height > 0 && source.width > 0 && source.height > 0 else { return output }
        let rc = sw_img_resize(
            source.pixels, Int32(source.width), Int32(source.height), Int32(source.channels),
            output.pixels, Int32(width), Int32(height))
        precondition(rc == SW_IMG_OK, "out of memory while resizing")
        return output
    }
}
