import Foundation

/// Text helpers with Django's template semantics: auto-escaping and the `linebreaks` filter.
public enum HTMLText {
    /// Django's `escape`: `&`, `<`, `>`, `"` and `'`.
    ///
    /// - Parameter text: any text.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#x27;"
            default: out.append(character)
            }
        }
        return out
    }

    /// Django's `linebreaks` on escaped text: paragraphs split on blank lines become `<p>…</p>`,
    /// single newlines become `<br>`.
    ///
    /// - Parameter text: the user's message (not yet escaped).
    public static func linebreaks(_ text: String) -> String {
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        // re.split('\n{2,}', text): runs of two or more newlines separate paragraphs.
        var paragraphs: [String] = []
        var current = ""
        var newlines = 0
        for character in normalised {
            if character == "\n" {
                newlines += 1
                continue
            }
            if newlines == 1 {
                current.append("\n")
            } else if newlines >= 2 {
                paragraphs.append(current)
                current = ""
            }
            newlines = 0
            current.append(character)
        }
        if newlines == 1 { current.append("\n") }
        paragraphs.append(current)
        if newlines >= 2 { paragraphs.append("") }
        return paragraphs.map { "<p>" + escape($0).replacingOccurrences(of: "\n", with: "<br>") + "</p>" }
            .joined(separator: "\n\n")
    }
}
