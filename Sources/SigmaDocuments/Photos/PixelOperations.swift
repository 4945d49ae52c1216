import CImageShim

/// Colour-model conversions and EXIF orientation on decoded pixels.
enum PixelOperations {
    /// Composites RGBA onto opaque white using its alpha (Pillow `paste(img, mask=alpha)`).
    static func flattenRGBAOnWhite(_ source: DecodedImage) -> DecodedImage {
        let output = DecodedImage(
            width: source.width, height: source.height, model: .rgb, orientation: source.orientation)
        let count = source.width * source.height
        let s = source.pixels
        let o = output.pixels
        for i in 0..<count {
            let a = Int(s[i * 4 + 3])
            let inverse = 255 - a
            for ch in 0..<3 {
                o[i * 3 + ch] = UInt8((Int(s[i * 4 + ch]) * a + 255 * inverse + 127) / 255)
            }
        }
        return output
    }

    /// Drops alpha (or expands gray) to RGB, ignoring transparency (Pillow paste without mask /
    /// `convert("RGB")`). CMYK uses Pillow's naive formula on libjpeg's inverted samples.
    static func toRGBIgnoringAlpha(_ source: DecodedImage) -> DecodedImage {
        if source.model == .rgb { return source }
        let output = DecodedImage(
            width: source.width, height: source.height, model: .rgb, orientation: source.orientation)
        let count = source.width * source.height
        let channels = source.channels
        let s = source.pixels
        let o = output.pixels
        for i in 0..<count {
            let p = s + i * channels
            switch source.model {
            case .gray, .grayAlpha:
                o[i * 3] = p[0]; o[i * 3 + 1] = p[0]; o[i * 3 + 2] = p[0]
            case .rgba, .rgb:
                o[i * 3] = p[0]; o[i * 3 + 1] = p[1]; o[i * 3 + 2] = p[2]
            case .cmyk:
                let k = Int(p[3])
                for ch in 0..<3 { o[i * 3 + ch] = UInt8((Int(p[ch]) * k + 127) / 255) }
            }
        }
        return output
    }

    /// Applies an EXIF orientation (1...8) so the pixels are upright (CImageShim, tiled).
    static func applyOrientation(_ source: DecodedImage, _ orientation: Int) -> DecodedImage {
        guard (2...8).contains(orientation) else { return source }
        let swaps = orientation >= 5
        let output = DecodedImage(
            width: swaps ? source.height : source.width, height: swaps ? source.width : source.height,
            model: source.model)
        sw_img_orient(
            source.pixels, Int32(source.width), Int32(source.height), Int32(source.channels), Int32(orientation),
            output.pixels)
        return output
    }
}
