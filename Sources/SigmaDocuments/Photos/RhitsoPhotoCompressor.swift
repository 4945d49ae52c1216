import Foundation

/// The RHITSO attachment rule (§6.3): files under 512 000 bytes are sent as they are; larger
/// ones are fitted in 1920 × 1080, re-encoded at quality 75 and written to a temporary folder.
public struct RhitsoPhotoCompressor: Sendable {
    /// Files smaller than this many bytes are left untouched.
    public static let threshold = 512_000

    /// Outcome for one photo.
    public struct Result: Sendable {
        /// The file to attach: the original, or the compressed copy.
        public var path: URL
        public var wasCompressed: Bool
        public var originalSize: Int
        public var compressedSize: Int
        /// `(1 - compressed/original) × 100`, rounded to one decimal.
        public var reductionPercent: Double
        public var originalDimensions: (width: Int, height: Int)?
        public var newDimensions: (width: Int, height: Int)?
    }

    /// Folder receiving `compressed_{YYYYmmdd_HHMMSS}_{stem}.jpg` files (created when needed).
    public var temporaryDirectory: URL
    /// Time zone of the timestamp in the file name.
    public var timeZone: TimeZone
    /// Apply EXIF orientation (the Python worker did not).
    public var applyOrientation: Bool

    /// Creates a compressor writing into `temporaryDirectory`.
    public init(
        temporaryDirectory: URL, timeZone: TimeZone = TimeZone(identifier: "UTC")!, applyOrientation: Bool = true
    ) {
        self.temporaryDirectory = temporaryDirectory
        self.timeZone = timeZone
        self.applyOrientation = applyOrientation
    }

    /// Applies the rule to one file. Synchronous and CPU-bound: run it off the cooperative pool.
    public func compress(fileAt path: URL, now: Date = Date()) throws -> Result {
        let manager = FileManager.default
        guard let attributes = try? manager.attributesOfItem(atPath: path.path),
            (attributes[.type] as? FileAttributeType) == .typeRegular
        else {
            throw DocumentError(code: .fileNotFound, message: "Archivo no encontrado: \(path.path)")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        if size < Self.threshold {
            return Result(
                path: path, wasCompressed: false, originalSize: size, compressedSize: size, reductionPercent: 0,
                originalDimensions: nil, newDimensions: nil)
        }
        let data: Data
        do {
            data = try Data(contentsOf: path)
        } catch {
            throw DocumentError(code: .fileAccess, message: "cannot read \(path.path): \(error.localizedDescription)")
        }
        let output = try PhotoRecompressor.recompressForRhitso(data, applyOrientation: applyOrientation)
        do {
            try manager.createDirectory(at: temporaryDirectory, withIntermediateDirectories: true)
        } catch {
            throw DocumentError(
                code: .fileAccess, message: "cannot create \(temporaryDirectory.path): \(error.localizedDescription)")
        }
        let stem = path.deletingPathExtension().lastPathComponent
        let name = "compressed_\(ReportDate.timestamp(now, timeZone: timeZone))_\(stem).jpg"
        let destination = temporaryDirectory.appendingPathComponent(name)
        do {
            try output.jpeg.write(to: destination)
        } catch {
            throw DocumentError(
                code: .fileAccess, message: "cannot write \(destination.path): \(error.localizedDescription)")
        }
        let reduction = size > 0 ? ((1 - Double(output.jpeg.count) / Double(size)) * 1000).rounded() / 10 : 0
        return Result(
            path: destination, wasCompressed: true, originalSize: size, compressedSize: output.jpeg.count,
            reductionPercent: reduction, originalDimensions: (output.originalWidth, output.originalHeight),
            newDimensions: (output.width, output.height))
    }
}
