/// A separable Lanczos-3 resampler for 8-bit interleaved pixels, with the same kernel support,
/// centring and normalisation as Pillow's `Image.LANCZOS` (Resample.c `precompute_coeffs`).
///
/// The vertical pass runs first (its inner loop is contiguous and vectorises), the horizontal
/// pass second on the already reduced row count.
struct LanczosResampler {
    /// Per-output-sample contributions along one axis.
    struct Contributions {
        let starts: [Int]
        let counts: [Int]
        /// `outSize × taps` weights, zero-padded.
        let weights: [Float]
        let taps: Int

        init(inSize: Int, outSize: Int) {
            let scale = Double(inSize) / Double(outSize)
            let filterScale = max(scale, 1)
            let support = 3 * filterScale
            let taps = Int(support.rounded(.up)) * 2 + 1
            var starts = [Int](repeating: 0, count: outSize)
            var counts = [Int](repeating: 0, count: outSize)
            var weights = [Float](repeating: 0, count: outSize * taps)
            var row = [Double](repeating: 0, count: taps)
            for out in 0..<outSize {
                let centre = (Double(out) + 0.5) * scale
                let xmin = max(Int(centre - support + 0.5), 0)
                let xmax = min(Int(centre + support + 0.5), inSize) - xmin
                var total = 0.0
                for k in 0..<max(0, xmax) {
                    let w = Self.lanczos((Double(k + xmin) - centre + 0.5) / filterScale)
                    row[k] = w
                    total += w
                }
                for k in 0..<max(0, xmax) {
                    weights[out * taps + k] = Float(total != 0 ? row[k] / total : row[k])
                }
                starts[out] = xmin
                counts[out] = max(0, xmax)
            }
            self.starts = starts
            self.counts = counts
            self.weights = weights
            self.taps = taps
        }

        static func lanczos(_ x: Double) -> Double {
            if x == 0 { return 1 }
            if x <= -3 || x >= 3 { return 0 }
            let px = Double.pi * x
            return 3 * sin(px) * sin(px / 3) / (px * px)
        }
    }

    /// Resizes `source` to exactly `width × height`.
    static func resize(_ source: DecodedImage, width: Int, height: Int) -> DecodedImage {
        if source.width == width && source.height == height { return source }
        let channels = source.channels
        let intermediate: DecodedImage
        if source.height != height {
            intermediate = DecodedImage(width: source.width, height: height, model: source.model, orientation: source.orientation)
            vertical(source, into: intermediate, Contributions(inSize: source.height, outSize: height))
        } else {
            intermediate = source
        }
        guard intermediate.width != width else { return intermediate }
        let output = DecodedImage(width: width, height: height, model: source.model, orientation: source.orientation)
        let contributions = Contributions(inSize: intermediate.width, outSize: width)
        switch channels {
        case 3: horizontal3(intermediate, into: output, contributions)
        default: horizontalGeneric(intermediate, into: output, contributions)
        }
        return output
    }

    private static func vertical(_ source: DecodedImage, into output: DecodedImage, _ c: Contributions) {
        let rowLength = source.width * source.channels
        let accumulator = UnsafeMutablePointer<Float>.allocate(capacity: rowLength)
        defer { accumulator.deallocate() }
        c.weights.withUnsafeBufferPointer { weights in
            for y in 0..<output.height {
                accumulator.initialize(repeating: 0, count: rowLength)
                let start = c.starts[y]
                for k in 0..<c.counts[y] {
                    let w = weights[y * c.taps + k]
                    let row = source.pixels + (start + k) * rowLength
                    for i in 0..<rowLength {
                        accumulator[i] += w * Float(row[i])
                    }
                }
                let out = output.pixels + y * rowLength
                for i in 0..<rowLength {
                    out[i] = clamp(accumulator[i])
                }
            }
        }
    }

    private static func horizontal3(_ source: DecodedImage, into output: DecodedImage, _ c: Contributions) {
        let inStride = source.width * 3
        let outStride = output.width * 3
        c.weights.withUnsafeBufferPointer { weights in
            c.starts.withUnsafeBufferPointer { starts in
                c.counts.withUnsafeBufferPointer { counts in
                    for y in 0..<output.height {
                        let row = source.pixels + y * inStride
                        let out = output.pixels + y * outStride
                        for x in 0..<output.width {
                            var r: Float = 0
                            var g: Float = 0
                            var b: Float = 0
                            let base = row + starts[x] * 3
                            let kw = weights.baseAddress! + x * c.taps
                            for k in 0..<counts[x] {
                                let w = kw[k]
                                let p = base + k * 3
                                r += w * Float(p[0])
                                g += w * Float(p[1])
                                b += w * Float(p[2])
                            }
                            out[x * 3] = clamp(r)
                            out[x * 3 + 1] = clamp(g)
                            out[x * 3 + 2] = clamp(b)
                        }
                    }
                }
            }
        }
    }

    private static func horizontalGeneric(_ source: DecodedImage, into output: DecodedImage, _ c: Contributions) {
        let channels = source.channels
        let inStride = source.width * channels
        let outStride = output.width * channels
        var sums = [Float](repeating: 0, count: channels)
        c.weights.withUnsafeBufferPointer { weights in
            for y in 0..<output.height {
                let row = source.pixels + y * inStride
                let out = output.pixels + y * outStride
                for x in 0..<output.width {
                    for ch in 0..<channels { sums[ch] = 0 }
                    let base = row + c.starts[x] * channels
                    for k in 0..<c.counts[x] {
                        let w = weights[x * c.taps + k]
                        for ch in 0..<channels { sums[ch] += w * Float(base[k * channels + ch]) }
                    }
                    for ch in 0..<channels { out[x * channels + ch] = clamp(sums[ch]) }
                }
            }
        }
    }

    @inline(__always)
    private static func clamp(_ value: Float) -> UInt8 {
        UInt8(min(max(value + 0.5, 0), 255))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
