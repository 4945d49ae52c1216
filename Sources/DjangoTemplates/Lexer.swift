/// Django's lexer: the source split at `{% … %}`, `{{ … }}` and `{# … #}` (each on one line:
/// Django's pattern does not match across a newline), with `{% verbatim %}` blocks kept as text.
struct Lexer {
    /// One piece of the source.
    struct Token: Sendable, Hashable {
        enum Kind: Sendable, Hashable {
            case text, variable, block, comment
        }

        var kind: Kind
        /// The text (for tags: between the delimiters, trimmed).
        var contents: String
        /// The 1-based line the token starts on.
        var line: Int

        /// The tag's words, quoted strings kept whole (Django's `split_contents`).
        var words: [String] { Lexer.smartSplit(contents) }
    }

    /// Tokenizes the source.
    static func tokenize(_ source: String) -> [Token] {
        var tokens: [Token] = []
        var line = 1
        var verbatim: String?
        let characters = Array(source)
        var textStart = 0
        var index = 0

        func emitText(upTo end: Int) {
            guard end > textStart else { return }
            let text = String(characters[textStart..<end])
            tokens.append(Token(kind: .text, contents: text, line: line))
            line += text.reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
        }

        while index + 1 < characters.count {
            let opener = characters[index + 1]
            guard characters[index] == "{", opener == "%" || opener == "{" || opener == "#" else {
                index += 1
                continue
            }
            let closer: Character = opener == "{" ? "}" : opener
            // The nearest closing delimiter on the same line (non-greedy, no newline).
            var end = index + 2
            var found: Int?
            while end + 1 < characters.count, characters[end] != "\n" {
                if characters[end] == closer && characters[end + 1] == "}" {
                    found = end
                    break
                }
                end += 1
            }
            guard let close = found else {
                index += 1
                continue
            }
            let raw = String(characters[index...(close + 1)])
            let inner = String(characters[(index + 2)..<close]).trimmingWhitespace()
            if let ending = verbatim {
                // Inside verbatim everything is text, up to its end tag.
                if opener == "%" && inner == ending {
                    emitText(upTo: index)
                    tokens.append(Token(kind: .block, contents: inner, line: line))
                    verbatim = nil
                    textStart = close + 2
                }
                index = close + 2
                continue
            }
            emitText(upTo: index)
            switch opener {
            case "%":
                tokens.append(Token(kind: .block, contents: inner, line: line))
                if inner == "verbatim" || inner.hasPrefix("verbatim ") { verbatim = "end" + inner }
            case "{":
                tokens.append(Token(kind: .variable, contents: inner, line: line))
            default:
                tokens.append(Token(kind: .comment, contents: "", line: line))
            }
            line += raw.reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
            textStart = close + 2
            index = close + 2
        }
        emitText(upTo: characters.count)
        return tokens
    }

    /// Django's `smart_split`: words separated by whitespace, where a quoted string (with
    /// backslash escapes) stays one word, also inside a word (`a="b c"`).
    static func smartSplit(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var escaped = false
        var inWord = false
        for character in text {
            if let open = quote {
                current.append(character)
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == open {
                    quote = nil
                }
                continue
            }
            if character == " " || character == "\t" || character == "\n" || character == "\r" {
                if inWord {
                    words.append(current)
                    current = ""
                    inWord = false
                }
                continue
            }
            inWord = true
            current.append(character)
            if character == "\"" || character == "'" { quote = character }
        }
        if inWord { words.append(current) }
        return words
    }
}

extension String {
    /// Python's `str.strip()` for the characters Django's tags can hold.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
