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
        let out = try PhotoRecompressor.recompressForCustomerEmail(try TestSupport.syntheticJPEG(width: 640, height: 480))
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

    @Test func corruptAndTruncatedFilesThrowTypedErrors() throws {
        let jpeg = try TestSupport.syntheticJPEG(width: 800, height: 600)
        let truncated = jpeg.prefix(jpeg.count / 3)
        #expect(throws: DocumentError.self) { try PhotoRecompressor.recompressForCustomerEmail(Data(truncated)) }
        var garbage = Data([0xFF, 0xD8, 0xFF, 0xE0])
        garbage.append(Data(repeating: 0x42, count: 5000))
        do {
            _ = try PhotoRecompressor.recompressForCustomerEmail(garbage)
            Issue.record("garbage decoded")
        } catch let error as DocumentError {
            #expect(error.code == .undecodableImage)
        }
        #expect(throws: DocumentError.self) { try PhotoRecompressor.recompressForCustomerEmail(Data("hello".utf8)) }
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
        #expect(throws: DocumentError.self) { try compressor.compress(fileAt: directory.appendingPathComponent("none.jpg")) }
    }

    @Test func rhitsoCompressorWritesTheTempFile() throws {
        // Noise defeats JPEG compression so the source passes the 512 000-byte threshold.
        let image = DecodedImage(width: 2400, height: 1800, model: .rgb)
        var state: UInt32 = 12345
        for i in 0..<image.byteCount {
            state = state &* 1_664_525 &+ 1_013_904_223
            image.pixels[i] = UInt8(truncatingIfNeeded: state >> 24)
        }
        let source = try TestSupport.write(try ImageCodec.encodeJPEG(image, quality: 95, optimize: false), "ingreso_big.jpg")
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
