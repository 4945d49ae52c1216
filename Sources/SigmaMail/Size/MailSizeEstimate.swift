/// The RHITSO task's e-mail size accounting (sigma-tasks.md §6.3, `calcular_tamaño_correo`).
///
/// Total = PDF size (0 when the file is missing) + UTF-8 length of the HTML + the compressed size
/// of every valid image. It estimates the attachments' raw size (no base64 growth), exactly as
/// the Python worker does, so both workers decide alike.
public struct MailSizeEstimate: Sendable, Hashable {
    /// Gmail's limit as the task counts it: 25 MiB, 26 214 400 bytes.
    public static let limitBytes = 26_214_400
    /// The limit in MB as the task reports it (`limite_gmail_mb`).
    public static let limitMegabytes = 25

    /// What the image step found for one image.
    public enum ImageState: Sendable, Hashable {
        /// The file does not exist.
        case missing
        /// The file was compressed (or kept, below 500 KiB): sizes before and after.
        case compressed(originalBytes: Int, compressedBytes: Int)
        /// Compression failed with this message.
        case failed(originalBytes: Int, error: String)
    }

    /// One image offered to the e-mail.
    public struct Image: Sendable, Hashable {
        /// The attachment name.
        public var name: String
        /// What happened to it.
        public var state: ImageState

        /// Creates an image entry.
        /// - Parameters:
        ///   - name: The attachment name.
        ///   - state: What the image step found.
        public init(name: String, state: ImageState) {
            self.name = name
            self.state = state
        }
    }

    /// An image left out of the e-mail, with the task's reason text.
    public struct ExcludedImage: Sendable, Hashable {
        /// The attachment name.
        public var name: String
        /// `Archivo no encontrado`, `Excede límite individual de 25MB` or the compression error.
        public var reason: String
    }

    /// PDF bytes counted.
    public var pdfBytes: Int
    /// HTML bytes counted (UTF-8).
    public var htmlBytes: Int
    /// Sum of the valid images' compressed sizes.
    public var imageBytes: Int
    /// Names of the images that count, in input order.
    public var validImages: [String]
    /// Images left out, in input order.
    public var excludedImages: [ExcludedImage]

    /// `tamaño_total`: PDF + HTML + images, in bytes.
    public var totalBytes: Int { pdfBytes + htmlBytes + imageBytes }
    /// `tamaño_total_mb`: total / 1 048 576 rounded to 2 decimals like Python's `round`.
    public var totalMegabytes: Double { Self.megabytes(totalBytes) }
    /// `excede_limite`: total > 26 214 400 bytes.
    public var exceedsLimit: Bool { totalBytes > Self.limitBytes }

    /// Computes the estimate.
    /// - Parameters:
    ///   - pdfBytes: The PDF's size, `nil` when the file is missing (counts 0).
    ///   - html: The HTML body counted (the task passes an empty string).
    ///   - images: The images in order, with what the compression step found.
    public init(pdfBytes: Int?, html: String = "", images: [Image]) {
        self.pdfBytes = pdfBytes ?? 0
        self.htmlBytes = html.utf8.count
        var imageBytes = 0
        var valid: [String] = []
        var excluded: [ExcludedImage] = []
        for image in images {
            switch image.state {
            case .missing:
                excluded.append(.init(name: image.name, reason: "Archivo no encontrado"))
            case .compressed(let original, _) where original > Self.limitBytes,
                .failed(let original, _) where original > Self.limitBytes:
                excluded.append(.init(name: image.name, reason: "Excede límite individual de 25MB"))
            case .failed(_, let error):
                excluded.append(.init(name: image.name, reason: error))
            case .compressed(_, let compressed):
                imageBytes += compressed
                valid.append(image.name)
            }
        }
        self.imageBytes = imageBytes
        self.validImages = valid
        self.excludedImages = excluded
    }

    /// `round(bytes / 1048576, 2)` exactly as Python computes it: bytes / 2^20 is exact in binary,
    /// so this rounds the exact quotient to cents, ties to even (`0.125` → `0.12`).
    /// - Parameter bytes: A size in bytes (≥ 0).
    public static func megabytes(_ bytes: Int) -> Double {
        let scaled = bytes * 100
        var cents = scaled >> 20
        let remainder = scaled & ((1 << 20) - 1)
        let half = 1 << 19
        if remainder > half || (remainder == half && cents % 2 == 1) { cents += 1 }
        return Double(cents) / 100
    }
}
