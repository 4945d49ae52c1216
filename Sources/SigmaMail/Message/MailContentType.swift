/// Finding the real MIME type of a file, from its first bytes and then its name.
public enum MailContentType {
    /// The type of `data`: JPEG, PNG, GIF, WebP, PDF and ZIP are recognised by their signature;
    /// otherwise the file name's extension decides; `application/octet-stream` when neither does.
    /// - Parameters:
    ///   - data: The file's bytes (only the first twelve are looked at).
    ///   - filename: The file name, for the extension fallback.
    public static func detect(data: [UInt8], filename: String) -> String {
        func starts(_ signature: [UInt8], at offset: Int = 0) -> Bool {
            data.count >= offset + signature.count && Array(data[offset..<offset + signature.count]) == signature
        }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return "image/gif" }
        if starts(Array("RIFF".utf8)), starts(Array("WEBP".utf8), at: 8) { return "image/webp" }
        if starts(Array("%PDF-".utf8)) { return "application/pdf" }
        let ext = filename.split(separator: ".", omittingEmptySubsequences: false).last.map { $0.lowercased() } ?? ""
        guard filename.contains(".") else { return "application/octet-stream" }
        return byExtension[ext] ?? "application/octet-stream"
    }

    /// The usual file extension for a MIME type (`png` for `image/png`), `bin` when unknown.
    /// - Parameter contentType: A MIME type.
    public static func fileExtension(for contentType: String) -> String {
        switch contentType.lowercased() {
        case "image/jpeg": return "jpg"
        case "image/png": return "png"
        case "image/gif": return "gif"
        case "image/webp": return "webp"
        case "application/pdf": return "pdf"
        default: return byExtension.first { $0.value == contentType.lowercased() }?.key ?? "bin"
        }
    }

    private static let byExtension: [String: String] = [
        "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
        "webp": "image/webp", "bmp": "image/bmp", "tif": "image/tiff", "tiff": "image/tiff",
        "pdf": "application/pdf", "zip": "application/zip", "txt": "text/plain", "csv": "text/csv",
        "html": "text/html", "htm": "text/html", "json": "application/json", "xml": "application/xml",
    ]

    /// `true` when `value` is `type/subtype` made of MIME token characters.
    static func isValid(_ value: String) -> Bool {
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let tspecials = Set("()<>@,;:\\\"/[]?=".unicodeScalars)
        return parts.allSatisfy { part in
            !part.isEmpty
                && part.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && !tspecials.contains($0) }
        }
    }
}
