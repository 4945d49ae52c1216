/// Colour-model conversions and EXIF orientation on decoded pixels.
enum PixelOperations {
    /// Composites RGBA onto opaque white using its alpha (Pillow `paste(img, mask=alpha)`).
    static func flattenRGBAOnWhite(_ source: DecodedImage) -> DecodedImage {
        let output = DecodedImage(width: source.width, height: source.height, model: .rgb, orientation: source.orientation)
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
        let output = DecodedImage(width: source.width, height: source.height, model: .rgb, orientation: source.orientation)
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

    /// Applies an EXIF orientation (1...8) so the pixels are upright.
    static func applyOrientation(_ source: DecodedImage, _ orientation: Int) -> DecodedImage {
        guard (2...8).contains(orientation) else { return source }
        let w = source.width
        let h = source.height
        let swaps = orientation >= 5
        let outW = swaps ? h : w
        let outH = swaps ? w : h
        let channels = source.channels
        let output = DecodedImage(width: outW, height: outH, model: source.model)
        let s = source.pixels
        let o = output.pixels
        for y in 0..<outH {
            for x in 0..<outW {
                let sx: Int
                let sy: Int
                switch orientation {
                case 2: (sx, sy) = (w - 1 - x, y)
                case 3: (sx, sy) = (w - 1 - x, h - 1 - y)
                case 4: (sx, sy) = (x, h - 1 - y)
                case 5: (sx, sy) = (y, x)
                case 6: (sx, sy) = (y, h - 1 - x)
                case 7: (sx, sy) = (w - 1 - y, h - 1 - x)
                default: (sx, sy) = (w - 1 - y, x)
                }
                let from = s + (sy * w + sx) * channels
                let to = o + (y * outW + x) * channels
                for ch in 0..<channels { to[ch] = from[ch] }
            }
        }
        return output
    }
}
