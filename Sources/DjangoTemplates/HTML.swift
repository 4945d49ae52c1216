/// Django's `django.utils.html` helpers.
public enum HTML {
    /// `escape`: `& < > " '` as `&amp; &lt; &gt; &quot; &#x27;`.
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

    /// `conditional_escape`: safe text as it is, anything else escaped (as its `str()`).
    static func conditionalEscape(_ value: TemplateValue) -> TemplateValue {
        if value.isSafe { return value }
        return .string(escape(value.pythonString), safe: true)
    }

    /// `normalize_newlines`: CRLF and CR become LF.
    static func normalizeNewlines(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    /// `linebreaks`: paragraphs at blank lines, `<br>` at single newlines.
    public static func linebreaks(_ text: String, autoescape: Bool) -> String {
        let normalized = normalizeNewlines(text)
        var paragraphs: [String] = []
        var current = ""
        var newlines = 0
        for character in normalized {
            if character == "\n" {
                newlines += 1
                continue
            }
            if newlines == 1 { current.append("\n") }
            if newlines >= 2 {
                paragraphs.append(current)
                current = ""
            }
            newlines = 0
            current.append(character)
        }
        if newlines == 1 { current.append("\n") }
        if newlines >= 2 {
            paragraphs.append(current)
            current = ""
        }
        paragraphs.append(current)
        return paragraphs.map { paragraph in
            let body = autoescape ? escape(paragraph) : paragraph
            return "<p>" + body.replacingOccurrences(of: "\n", with: "<br>") + "</p>"
        }.joined(separator: "\n\n")
    }

    /// `strip_spaces_between_tags` after `strip()` (the `spaceless` tag).
    static func spaceless(_ text: String) -> String {
        let trimmed = Array(text.trimmingWhitespace())
        var out = ""
        var index = 0
        while index < trimmed.count {
            let character = trimmed[index]
            out.append(character)
            if character == ">" {
                var next = index + 1
                while next < trimmed.count, trimmed[next].isWhitespace { next += 1 }
                if next > index + 1, next < trimmed.count, trimmed[next] == "<" {
                    index = next
                    continue
                }
            }
            index += 1
        }
        return out
    }
}
