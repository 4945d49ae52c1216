import Foundation
import Testing

@testable import SigmaDocuments

@Suite struct PhotoRecompressorTests {
    @Test func dctScaleKeepsBothSidesAboveTarget() {
        #expect(PhotoRecompressor.dctScale(width: 4032, height: 3024, targetWidth: 1920, targetHeight: 1440) == 4)
        #expect(PhotoRecompressor.dctScale(width: 8000, height: 6000, targetWidth: 1920, targetHeight: 1440) == 2)
        #expect(PhotoRecompressor.dctScale(width: 2000, height: 1500, targetWidth: 1920, targetHeight: 1440) == 8)
    }

    @Test func customerRuleTruncatesLikePillow() throws {
        let jpeg = try TestSupport.syntheticJPEG(width: 2500, height: 1333)
        let out = try PhotoRecompressor.recompressForCustomerEmail(jpeg)
        #expect(out.width == 1920)
        #expect(out.height == Int(1333.0 * (1920.0 / 2500.0)))
        let info = try ImageCodec.jpegInfo(out.jpeg)
        #expect(info.width == out.width && info.height == out.height)
    }

    @Test func smallImagesKeepTheirSize() throws {
        let out = try PhotoRecompressor.recompressForCustomerEmail(
            try TestSupport.syntheticJPEG(width: 640, height: 480))
        #expect(out.width == 640 && out.height == 480)
    }

    @Test func rhitsoRuleFitsTheBox() throws {
        let out = try PhotoRecompressor.recompressForRhitso(try TestSupport.syntheticJPEG(width: 3000, height: 1500))
        #expect(out.width == 1920 && out.height == 960)
        let tall = try PhotoRecompressor.recompressForRhitso(try TestSupport.syntheticJPEG(width: 1500, height: 3000))
        #expect(tall.width == 540 && tall.height == 1080)
    }

    @Test func pngAlphaIsFlattenedOntoWhite() throws {
        // A fully transparent RGBA PNG written by the PDF test asset would need libpng write;
        // use SIGMA's logo (RGBA with transparent corners) when the shared assets are present.
        guard TestSupport.hasSharedAssets else { return }
        let data = try Data(contentsOf: TestSupport.staticImages.appendingPathComponent("logos/logo_sic.png"))
        let out = try PhotoRecompressor.recompressForCustomerEmail(data)
        let decoded = try ImageCodec.decodeJPEG(out.jpeg)
        #expect(decoded.model == .rgb)
        #expect(decoded.pixels[0] > 245 && decoded.pixels[1] > 245 && decoded.pixels[2] > 245)
    }

    @Test func exifOrientationIsApplied() throws {
        // Orientation 6 stored 400x300 → shown 300x400; the red block (top-left) moves top-right.
        let plain = try TestSupport.syntheticJPEG(width: 400, height: 300)
        let rotated = insertOrientation(6, into: plain)
        #expect(try ImageCodec.jpegInfo(rotated).orientation == 6)
        let out = try PhotoRecompressor.recompressForCustomerEmail(rotated)
        #expect(out.width == 300 && out.height == 400)
        let decoded = try ImageCodec.decodeJPEG(out.jpeg)
        let topRight = decoded.pixels + (10 * 300 + 290) * 3
        let topLeft = decoded.pixels + (10 * 300 + 10) * 3
        #expect(topRight[2] > 200 && topLeft[2] < 100)
    }

    @Test func exifOrientationIsAppliedWhenResizing() throws {
        // Stored 2500x1333 with orientation 6: resized to 1920x1023 while decoding, then rotated.
        let rotated = insertOrientation(6, into: try TestSupport.syntheticJPEG(width: 2500, height: 1333))
        let out = try PhotoRecompressor.recompressForCustomerEmail(rotated)
        #expect(out.width == 1023 && out.height == 1920)
        let decoded = try ImageCodec.decodeJPEG(out.jpeg)
        #expect(decoded.width == 1023 && decoded.height == 1920)
        let topRight = decoded.pixels + (20 * 1023 + 1000) * 3
        let topLeft = decoded.pixels + (20 * 1023 + 20) * 3
        #expect(topRight[2] > 200 && topLeft[2] < 100)
        let upright = try PhotoRecompressor.recompressForCustomerEmail(rotated, applyOrientation: false)
        #expect(upright.width == 1920 && upright.height == 1023)
    }

    @Test func streamedRecompressionMatchesTheBufferedPath() throws {
        // Upright photos go decoder → resampler → encoder row by row; rotated ones through buffers.
        // Both must produce the same pixels before orientation.
        let jpeg = try TestSupport.syntheticJPEG(width: 2500, height: 1333)
        let streamed = try PhotoRecompressor.recompressForCustomerEmail(jpeg)
        let scale = PhotoRecompressor.dctScale(width: 2500, height: 1333, targetWidth: 1920, targetHeight: 1023)
        let buffered = try ImageCodec.decodeJPEG(jpeg, scaleNumerator: scale, resizedTo: (1920, 1023))
        let encoded = try ImageCodec.encodeJPEG(buffered, quality: 85, optimize: true)
        #expect(streamed.jpeg == encoded)
    }

    @Test func lanczosMatchesADoublePrecisionReference() {
        // Pillow's precompute_coeffs in Double, both passes rounded to bytes like Pillow.
        func reference(_ src: [UInt8], _ w: Int, _ h: Int, _ c: Int, _ ow: Int, _ oh: Int) -> [UInt8] {
            /// One output sample of a 1-D resize of `line`.
            func sample(_ line: [Double], _ o: Int, outSize: Int) -> Double {
                let inSize = line.count
                let scale = Double(inSize) / Double(outSize), fscale = max(scale, 1), support = 3 * fscale
                let centre = (Double(o) + 0.5) * scale
                let lo = max(Int(centre - support + 0.5), 0), hi = min(Int(centre + support + 0.5), inSize)
                var total = 0.0, sum = 0.0
                for k in lo..<max(lo, hi) {
                    let x = (Double(k) - centre + 0.5) / fscale
                    let weight =
                        x == 0 ? 1 : abs(x) >= 3 ? 0 : 3 * sin(.pi * x) * sin(.pi * x / 3) / (.pi * .pi * x * x)
                    total += weight
                    sum += weight * line[k]
                }
                return min(max((sum / total).rounded(), 0), 255)
            }
            var mid = [Double](repeating: 0, count: ow * h * c)
            for y in 0..<h {
                for ch in 0..<c {
                    let row = (0..<w).map { Double(src[(y * w + $0) * c + ch]) }
                    for x in 0..<ow { mid[(y * ow + x) * c + ch] = sample(row, x, outSize: ow) }
                }
            }
            var out = [UInt8](repeating: 0, count: ow * oh * c)
            for x in 0..<ow {
                for ch in 0..<c {
                    let column = (0..<h).map { mid[($0 * ow + x) * c + ch] }
                    for y in 0..<oh { out[(y * ow + x) * c + ch] = UInt8(sample(column, y, outSize: oh)) }
                }
            }
            return out
        }
        var state: UInt32 = 99
        for (w, h, ow, oh) in [(97, 61, 40, 25), (50, 40, 83, 71), (9, 5, 3, 11), (1, 1, 4, 3), (300, 8, 128, 8)] {
            for model in [DecodedImage.Model.gray, .grayAlpha, .rgb, .rgba] {
                let image = DecodedImage(width: w, height: h, model: model)
                for i in 0..<image.byteCount {
                    state = state &* 1_664_525 &+ 1_013_904_223
                    // Smooth ramps plus noise, so both flat and busy areas are covered.
                    image.pixels[i] = UInt8(truncatingIfNeeded: (i * 7 % 256) / 2 + Int(state >> 26))
                }
                let expected = reference(Array(image.buffer), w, h, model.channels, ow, oh)
                let resized = LanczosResampler.resize(image, width: ow, height: oh)
                // 14-bit weights can flip the rounding of an intermediate sample, which the second
                // pass may stretch to 2 levels; on average the output is (almost) exact.
                let errors = zip(Array(resized.buffer), expected).map { abs(Int($0) - Int($1)) }
                let worst = errors.max() ?? 0
                let mean = Double(errors.reduce(0, +)) / Double(max(1, errors.count))
                #expect(worst <= 2 && mean < 0.05, "\(w)x\(h) → \(ow)x\(oh) \(model): max \(worst), mean \(mean)")
            }
        }
    }

    @Test func everyOrientationMapsPixelsLikeTheExifTable() {
        var state: UInt32 = 7
        for (w, h) in [(37, 70), (70, 37), (1, 5), (64, 64)] {
            for model in [DecodedImage.Model.gray, .grayAlpha, .rgb, .rgba] {
                let image = DecodedImage(width: w, height: h, model: model)
                for i in 0..<image.byteCount {
                    state = state &* 1_664_525 &+ 1_013_904_223
                    image.pixels[i] = UInt8(truncatingIfNeeded: state >> 24)
                }
                for orientation in 1...8 {
                    let out = PixelOperations.applyOrientation(image, orientation)
                    let swaps = orientation >= 5
                    #expect(out.width == (swaps ? h : w) && out.height == (swaps ? w : h))
                    var mismatches = 0
                    for y in 0..<out.height {
                        for x in 0..<out.width {
                            let (sx, sy): (Int, Int) =
                                switch orientation {
                                case 1: (x, y)
                                case 2: (w - 1 - x, y)
                                case 3: (w - 1 - x, h - 1 - y)
                                case 4: (x, h - 1 - y)
                                case 5: (y, x)
                                case 6: (y, h - 1 - x)
                                case 7: (w - 1 - y, h - 1 - x)
                                default: (w - 1 - y, x)
                                }
                            for c in 0..<model.channels
                            where out.pixels[(y * out.width + x) * model.channels + c]
                                != image.pixels[(sy * w + sx) * model.channels + c]
                            {
                                mismatches += 1
                            }
                        }
                    }
                    #expect(mismatches == 0, "\(w)x\(h) \(model) orientation \(orientation)")
                }
            }
        }
    }

    @Test func corruptAndTruncatedFilesThrowTypedErrors() throws {
        let jpeg = try TestSupport.syntheticJPEG(width: 800, height: 600)
        let truncated = jpeg.prefix(jpeg.count / 3)
        #expect(throws: DocumentError.self) { try PhotoRecompressor.recompressForCustomerEmail(Data(truncated)) }
        // Large enough to take the streamed decode → resize → encode path.
        let big = try TestSupport.syntheticJPEG(width: 2500, height: 1333)
        do {
            _ = try PhotoRecompressor.recompressForCustomerEmail(Data(big.prefix(big.count * 2 / 3)))
            Issue.record("truncated photo recompressed")
        } catch let error as DocumentError {
            #expect(error.code == .undecodableImage)
        }
        var garbage = Data([0xFF, 0xD8, 0xFF, 0xE0])
        garbage.append(Data(repeating: 0x42, count: 5000))
        do {
            _ = try PhotoRecompressor.recompressForCustomerEmail(garbage)
            Issue.record("garbage decoded")
        } catch let error as DocumentError {
            #expect(error.code == .undecodableImage)
        }
        #expect(throws: DocumentError.self) { try PhotoRecompressor.recompressForCustomerEmail(Data("hello".utf8)) }
        // 4000x1 truncates to 1920x0: a typed error, not a crash.
        do {
            _ = try PhotoRecompressor.recompressForCustomerEmail(try TestSupport.syntheticJPEG(width: 4000, height: 1))
            Issue.record("empty image encoded")
        } catch let error as DocumentError {
            #expect(error.code == .encodingFailed)
        }
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        png.append(Data(repeating: 0, count: 100))
        #expect(throws: DocumentError.self) { try PhotoRecompressor.recompressForCustomerEmail(png) }
    }

    @Test func rhitsoCompressorLeavesSmallFilesAlone() throws {
        let directory = TestSupport.outputDirectory.appendingPathComponent("rhitso-temp")
        let small = try TestSupport.write(try TestSupport.syntheticJPEG(width: 320, height: 240), "small.jpg")
        let compressor = RhitsoPhotoCompressor(temporaryDirectory: directory)
        let result = try compressor.compress(fileAt: small)
        #expect(!result.wasCompressed && result.path == small)
        #expect(throws: DocumentError.self) {
            try compressor.compress(fileAt: directory.appendingPathComponent("none.jpg"))
        }
    }

    @Test func rhitsoCompressorWritesTheTempFile() throws {
        // Noise defeats JPEG compression so the source passes the 512 000-byte threshold.
        let image = DecodedImage(width: 2400, height: 1800, model: .rgb)
        var state: UInt32 = 12345
        for i in 0..<image.byteCount {
            state = state &* 1_664_525 &+ 1_013_904_223
            image.pixels[i] = UInt8(truncatingIfNeeded: state >> 24)
        }
        let source = try TestSupport.write(
            try ImageCodec.encodeJPEG(image, quality: 95, optimize: false), "ingreso_big.jpg")
        let directory = TestSupport.outputDirectory.appendingPathComponent("rhitso-temp")
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let result = try RhitsoPhotoCompressor(temporaryDirectory: directory).compress(fileAt: source, now: now)
        #expect(result.wasCompressed)
        #expect(result.path.lastPathComponent == "compressed_20261118_110640_ingreso_big.jpg")
        #expect(result.newDimensions?.width == 1440 && result.newDimensions?.height == 1080)
    }

    /// Inserts an APP1 Exif segment with one Orientation tag after SOI.
    private func insertOrientation(_ value: UInt8, into jpeg: Data) -> Data {
        var tiff: [UInt8] = Array("MM".utf8) + [0, 42, 0, 0, 0, 8, 0, 1]
        tiff += [0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, value, 0, 0] + [0, 0, 0, 0]
        let payload = Array("Exif".utf8) + [0, 0] + tiff
        let length = payload.count + 2
        var out = Data([0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)])
        out.append(contentsOf: payload)
        out.append(jpeg.dropFirst(2))
        return out
    }
}
