/// A separable Lanczos-3 resampler for 8-bit interleaved pixels, with the same kernel support,
/// centring and normalisation as Pillow's `Image.LANCZOS` (Resample.c `precompute_coeffs`).
///
/// Only a vertical pass is implemented (its inner loop runs over contiguous memory and
/// vectorises); the horizontal pass is a vertical pass over the transposed image, done second
/// on the already reduced row count.
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
        let intermediate: DecodedImage
        if source.height != height {
            intermediate = DecodedImage(width: source.width, height: height, model: source.model, orientation: source.orientation)
            vertical(source, into: intermediate, Contributions(inSize: source.height, outSize: height))
        } else {
            intermediate = source
        }
        guard intermediate.width != width else { return intermediate }
        // Horizontal pass as a vertical pass on the transposed image: the vector loop then runs
        // over contiguous memory.
        let transposed = transpose(intermediate)
        let resized = DecodedImage(width: transposed.width, height: width, model: source.model)
        vertical(transposed, into: resized, Contributions(inSize: intermediate.width, outSize: width))
        let output = transpose(resized, orientation: source.orientation)
        return output
    }

    /// Swaps rows and columns, in 32 × 32 tiles to stay in cache.
    static func transpose(_ source: DecodedImage, orientation: Int = 1) -> DecodedImage {
        let w = source.width
        let h = source.height
        let channels = source.channels
        let output = DecodedImage(width: h, height: w, model: source.model, orientation: orientation)
        let s = source.pixels
        let o = output.pixels
        let tile = 32
        var ty = 0
        while ty < h {
            let yEnd = min(ty + tile, h)
            var tx = 0
            while tx < w {
                let xEnd = min(tx + tile, w)
                if channels == 3 {
                    // Contiguous writes, strided reads.
                    for x in tx..<xEnd {
                        var from = UnsafeRawPointer(s + (ty * w + x) * 3)
                        var to = UnsafeMutableRawPointer(o + (x * h + ty) * 3)
                        for _ in ty..<yEnd {
                            to.copyMemory(from: from, byteCount: 3)
                            from += w * 3
                            to += 3
                        }
                    }
                } else {
                    for y in ty..<yEnd {
                        for x in tx..<xEnd {
                            let from = s + (y * w + x) * channels
                            let to = o + (x * h + y) * channels
                            for ch in 0..<channels { to[ch] = from[ch] }
                        }
                    }
                }
                tx += tile
            }
            ty += tile
        }
        return output
    }

    // Conversions between bytes and floats use the 2^23 "magic number": a float whose
    // exponent makes the mantissa hold an integer exactly. Baseline x86-64 (SSE2) has no
    // 32-bit lane multiply and the generic SIMD conversions are not inlined, so the passes stay
    // in Float and convert with bit operations only.
    private static let magicBits = SIMD16<UInt32>(repeating: 0x4B00_0000)
    private static let magic = SIMD16<Float>(repeating: 8_388_608)

    @inline(__always)
    private static func floats(_ bytes: SIMD16<UInt8>) -> SIMD16<Float> {
        unsafeBitCast(SIMD16<UInt32>(truncatingIfNeeded: bytes) | magicBits, to: SIMD16<Float>.self) - magic
    }

    /// Output rows are computed 16 samples at a time with the taps in the inner loop, so the
    /// accumulator stays in vector registers.
    private static func vertical(_ source: DecodedImage, into output: DecodedImage, _ c: Contributions) {
        let rowLength = source.width * source.channels
        let vectorEnd = rowLength & ~15
        let src = UnsafeRawPointer(source.pixels)
        c.weights.withUnsafeBufferPointer { weights in
            for y in 0..<output.height {
                let start = c.starts[y]
                let count = c.counts[y]
                let kw = weights.baseAddress! + y * c.taps
                let out = UnsafeMutableRawPointer(output.pixels + y * rowLength)
                var i = 0
                while i < vectorEnd {
                    var accumulator = SIMD16<Float>(repeating: 0)
                    var row = src + start * rowLength + i
                    for k in 0..<count {
                        accumulator += kw[k] * floats(row.loadUnaligned(as: SIMD16<UInt8>.self))
                        row += rowLength
                    }
                    out.storeBytes(of: pack(accumulator), toByteOffset: i, as: SIMD16<UInt8>.self)
                    i += 16
                }
                while i < rowLength {
                    var sum: Float = 0
                    for k in 0..<count {
                        sum += kw[k] * Float(source.pixels[(start + k) * rowLength + i])
                    }
                    output.pixels[y * rowLength + i] = clamp(sum)
                    i += 1
                }
            }
        }
    }

    @inline(__always)
    private static func pack(_ values: SIMD16<Float>) -> SIMD16<UInt8> {
        var v = values
        v.replace(with: 0, where: v .< 0)
        v.replace(with: 255, where: v .> 255)
        let bits = unsafeBitCast(v + magic, to: SIMD16<UInt32>.self)
        return SIMD16<UInt8>(truncatingIfNeeded: bits)
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
