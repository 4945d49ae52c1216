import Foundation

/// An image a report draws: bytes, a file, or an already prepared `PDFImage` (cache static
/// assets such as logos this way so every document does not decode them again).
public enum ReportImage: Sendable {
    case data(Data)
    case file(URL)
    case prepared(PDFImage)

    /// Loads and prepares the image for embedding: JPEG as-is, PNG flattened onto white and
    /// re-encoded as JPEG quality 90 (as the Python generators do).
    public func pdfImage() throws -> PDFImage {
        switch self {
        case .data(let data): return try PDFImage(flattening: data)
        case .file(let url):
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                throw DocumentError(
                    code: .fileAccess, message: "cannot read \(url.path): \(error.localizedDescription)")
            }
            return try PDFImage(flattening: data)
        case .prepared(let image): return image
        }
    }

    /// The file this image comes from, when it is a file.
    var fileURL: URL? {
        if case .file(let url) = self { return url }
        return nil
    }
}
