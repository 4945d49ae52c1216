import Foundation

/// An image a report draws: bytes, a file, or an already prepared `PDFImage` (cache static
/// assets such as logos this way so every document does not decode them again).
public enum ReportImage: Sendable {
    case data(Data)
    case file(URL)
    case prepared(PDFImage)

    /// Loads and prepares the image for embedding.
    public func pdfImage() throws -> PDFImage {
        switch self {
        case .data(let data): try PDFImage(data: data)
        case .file(let url): try PDFImage(contentsOf: url)
        case .prepared(let image): image
        }
    }

    /// The file this image comes from, when it is a file.
    var fileURL: URL? {
        if case .file(let url) = self { return url }
        return nil
    }
}
