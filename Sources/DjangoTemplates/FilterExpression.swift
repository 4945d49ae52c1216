/// `value|filter:arg|filter`, parsed as Django's `FilterExpression`: a variable or constant,
/// then filters with at most one argument each.
struct FilterExpression: Sendable {
    /// A variable lookup or a literal.
    enum Operand: Sendable {
        case literal(TemplateValue)
        case lookup([String])
    }

    struct Filter: Sendable {
        var name: String
        var definition: FilterLibrary.Definition
        var argument: Operand?
    }

    var operand: Operand
    var filters: [Filter]
    /// The source text, for messages.
    var source: String

    /// Parses an expression; errors use Django's wording.
    init(_ text: String, line: Int, template: String) throws(TemplateSyntaxError) {
        source = text
        var scanner = ExpressionScanner(text)
        guard let first = scanner.operand() else {
            throw TemplateSyntaxError(
                template: template, line: line, "Could not parse the remainder: '\(text)' from '\(text)'")
        }
        operand = try Self.operand(first, line: line, template: template)
        filters = []
        while !scanner.atEnd {
            guard scanner.skip("|"), let name = scanner.word() else {
                throw TemplateSyntaxError(
                    template: template, line: line,
                    "Could not parse the remainder: '\(scanner.rest)' from '\(text)'")
            }
            guard let definition = FilterLibrary.filters[name] else {
                throw TemplateSyntaxError(template: template, line: line, "Invalid filter: '\(name)'")
            }
            var argument: Operand?
            if scanner.skip(":") {
                guard let raw = scanner.operand() else {
                    throw TemplateSyntaxError(
                        template: template, line: line,
                        "Could not parse the remainder: ':\(scanner.rest)' from '\(text)'")
                }
                argument = try Self.operand(raw, line: line, template: template)
            }
            switch (definition.argument, argument) {
            case (.none, .some):
                throw TemplateSyntaxError(template: template, line: line, "\(name) requires 1 arguments, 2 provided")
            case (.required, .none):
                throw TemplateSyntaxError(template: template, line: line, "\(name) requires 2 arguments, 1 provided")
            default: break
            }
            filters.append(Filter(name: name, definition: definition, argument: argument))
        }
    }

    /// A literal (number, quoted string: safe, as Django marks it) or a dotted lookup.
    static func operand(_ raw: String, line: Int, template: String) throws(TemplateSyntaxError) -> Operand {
        if let first = raw.first, first == "\"" || first == "'" {
            return .literal(.string(unescapeStringLiteral(raw), safe: true))
        }
        if raw.hasPrefix("_(") && raw.hasSuffix(")") {  // translation marker: no catalogs here
            let inner = String(raw.dropFirst(2).dropLast())
            if let first = inner.first, first == "\"" || first == "'" {
                return .literal(.string(unescapeStringLiteral(inner), safe: true))
            }
        }
        if let number = numberLiteral(raw) { return .literal(number) }
        if raw == "True" { return .literal(.bool(true)) }
        if raw == "False" { return .literal(.bool(false)) }
        if raw == "None" { return .literal(.none) }
        if raw.contains("._") || raw.hasPrefix("_") {
            throw TemplateSyntaxError(
                template: template, line: line, "Variables and attributes may not begin with underscores: '\(raw)'")
        }
        return .lookup(raw.split(separator: ".", omittingEmptySubsequences: false).map(String.init))
    }

    /// Django's `Variable` number rule: an int when there is no `.` or `e`, else a float; a
    /// trailing `.` is not a number.
    static func numberLiteral(_ raw: String) -> TemplateValue? {
        guard let first = raw.first, first.isNumber || first == "-" || first == "+" || first == "." else { return nil }
        if raw.hasSuffix(".") { return nil }
        if !raw.contains(".") && !raw.lowercased().contains("e") {
            return Int(raw.hasPrefix("+") ? String(raw.dropFirst()) : raw).map(TemplateValue.int)
        }
        return Double(raw).map(TemplateValue.double)
    }

    /// `unescape_string_literal`: drop the quotes, undo `\"` / `\'` and `\\`.
    static func unescapeStringLiteral(_ raw: String) -> String {
        guard raw.count >= 2, let quote = raw.first else { return raw }
        let body = raw.dropFirst().dropLast()
        return body.replacingOccurrences(of: "\\" + String(quote), with: String(quote))
            .replacingOccurrences(of: "\\\\", with: "\\")
    }
}

/// Reads the parts of a filter expression the way Django's `filter_re` does.
struct ExpressionScanner {
    private let characters: [Character]
    private var index = 0

    init(_ text: String) { characters = Array(text) }

    var atEnd: Bool { index >= characters.count }
    var rest: String { String(characters[index...]) }

    private mutating func skipSpaces() { while index < characters.count, characters[index] == " " { index += 1 } }

    /// `\s*|\s*` style separators (Django allows spaces around `|`, none around `:`).
    mutating func skip(_ separator: Character) -> Bool {
        let start = index
        if separator == "|" { skipSpaces() }
        guard index < characters.count, characters[index] == separator else {
            index = start
            return false
        }
        index += 1
        if separator == "|" { skipSpaces() }
        return true
    }

    /// A filter name (`\w+`).
    mutating func word() -> String? {
        let start = index
        while index < characters.count,
            characters[index].isLetter || characters[index].isNumber || characters[index] == "_"
        {
            index += 1
        }
        return index > start ? String(characters[start..<index]) : nil
    }

    /// A constant (quoted, optionally in `_( )`) or a variable / number (`[\w.]+`, `[-+.]?\d[\d.e]*`).
    mutating func operand() -> String? {
        guard index < characters.count else { return nil }
        let start = index
        if characters[index] == "_" && index + 1 < characters.count && characters[index + 1] == "(" {
            index += 2
            if quoted(), index < characters.count, characters[index] == ")" {
                index += 1
                return String(characters[start..<index])
            }
            index = start
        }
        if quoted() { return String(characters[start..<index]) }
        let first = characters[index]
        if first == "-" || first == "+"
            || (first == "." && index + 1 < characters.count && characters[index + 1].isNumber)
        {
            index += 1
            while index < characters.count,
                characters[index].isNumber || characters[index] == "." || characters[index] == "e"
            {
                index += 1
            }
            return index > start + 1 ? String(characters[start..<index]) : nil
        }
        while index < characters.count,
            characters[index].isLetter || characters[index].isNumber || characters[index] == "_"
                || characters[index] == "."
        {
            index += 1
        }
        return index > start ? String(characters[start..<index]) : nil
    }

    private mutating func quoted() -> Bool {
        guard index < characters.count, characters[index] == "\"" || characters[index] == "'" else { return false }
        let quote = characters[index]
        var at = index + 1
        while at < characters.count {
            if characters[at] == "\\" {
                at += 2
                continue
            }
            if characters[at] == quote {
                index = at + 1
                return true
            }
            at += 1
        }
        return false
    }
}
