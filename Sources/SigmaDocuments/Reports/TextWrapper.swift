/// Greedy word wrapping measured with the font's AFM widths.
enum TextWrapper {
    /// Wraps one paragraph: words are appended with a trailing space while the candidate
    /// (space included) fits in `maxWidth`; an over-long first word yields an empty line first.
    static func wrap(_ paragraph: String, font: PDFFont, size: Double, maxWidth: Double) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in paragraph.split(whereSeparator: { $0.isWhitespace }) {
            let candidate = current + word + " "
            if font.width(of: candidate, size: size) <= maxWidth {
                current = candidate
            } else {
                lines.append(trimmed(current))
                current = word + " "
            }
        }
        if !current.isEmpty { lines.append(trimmed(current)) }
        return lines
    }

    /// Keeps the user's line breaks: each `\n`-separated paragraph is wrapped on its own, and a
    /// blank paragraph gives an empty line.
    static func wrapParagraphs(_ text: String, font: PDFFont, size: Double, maxWidth: Double) -> [String] {
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if paragraph.allSatisfy({ $0.isWhitespace }) {
                lines.append("")
            } else {
                lines += wrap(String(paragraph), font: font, size: size, maxWidth: maxWidth)
            }
        }
        return lines
    }

    private static func trimmed(_ text: String) -> String {
        var slice = Substring(text)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
