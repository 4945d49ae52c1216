/// The standard Type 1 faces the writer can use (never embedded; WinAnsiEncoding).
public enum PDFFont: Sendable, Hashable, CaseIterable {
    case helvetica
    case helveticaBold

    /// The PostScript name written in the font dictionary.
    public var postScriptName: String {
        switch self {
        case .helvetica: "Helvetica"
        case .helveticaBold: "Helvetica-Bold"
        }
    }

    /// The resource name used in content streams.
    var resourceName: String {
        switch self {
        case .helvetica: "F1"
        case .helveticaBold: "F2"
        }
    }

    /// Advance width of `text` at `size` points, from the AFM metrics, after WinAnsi mapping.
    public func width(of text: String, size: Double) -> Double {
        width(ofEncoded: WinAnsi.encode(text), size: size)
    }

    func width(ofEncoded bytes: [UInt8], size: Double) -> Double {
        let table = self == .helvetica ? FontMetrics.helvetica : FontMetrics.helveticaBold
        var total = 0
        for byte in bytes { total += Int(table[Int(byte)]) }
        return Double(total) * size / 1000
    }
}
