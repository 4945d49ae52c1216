import Foundation

/// Django's built-in filters (`django.template.defaultfilters`), with their flags: `is_safe`
/// (a safe input gives a safe output), `needs_autoescape`, and whether they take an argument.
enum FilterLibrary {
    enum Argument: Sendable { case none, optional, required }

    /// What a filter is handed.
    struct Call {
        var value: TemplateValue
        var argument: TemplateValue?
        var autoescape: Bool
        var settings: TemplateSettings
    }

    struct Definition: Sendable {
        var argument: Argument
        var isSafe: Bool
        /// Django's `@stringfilter`: the value arrives as its `str()`.
        var stringFilter: Bool
        var apply: @Sendable (Call) throws -> TemplateValue
    }

    private static func define(
        _ argument: Argument = .none, safe: Bool = false, string: Bool = false,
        _ apply: @escaping @Sendable (Call) throws -> TemplateValue
    ) -> Definition {
        Definition(argument: argument, isSafe: safe, stringFilter: string, apply: apply)
    }

    /// Runs a filter as Django's `FilterExpression.resolve` does, with its safety rules.
    static func run(_ definition: Definition, _ call: Call) throws -> TemplateValue {
        var call = call
        if definition.stringFilter, !call.value.isStringValue {
            call.value = .string(call.value.pythonString, safe: false)
        }
        let result = try definition.apply(call)
        if definition.isSafe && call.value.isSafe, case .string(let text, _) = result {
            return .string(text, safe: true)
        }
        return result
    }

    private static func text(_ call: Call) -> String { call.value.pythonString }

    static let filters: [String: Definition] = [
        "add": define(.required) { call in
            let argument = call.argument ?? .none
            if let left = call.value.pythonInt, let right = argument.pythonInt { return .int(left + right) }
            switch (call.value, argument) {
            case (.string(let a, _), .string(let b, _)): return .text(a + b)
            case (.list(let a), .list(let b)): return .list(a + b)
            case (.double(let a), .double(let b)): return .double(a + b)
            case (.int(let a), .double(let b)): return .double(Double(a) + b)
            case (.double(let a), .int(let b)): return .double(a + Double(b))
            default: return .text("")
            }
        },
        "capfirst": define(safe: true, string: true) { call in
            let value = text(call)
            guard let first = value.first else { return .text("") }
            return .text(String(first).uppercased() + value.dropFirst())
        },
        "cut": define(.required, string: true) { call in
            let argument = call.argument?.pythonString ?? ""
            let cut = argument.isEmpty ? text(call) : text(call).replacingOccurrences(of: argument, with: "")
            return .string(cut, safe: call.value.isSafe && argument != ";")
        },
        "default": define(.required) { call in call.value.isTrue ? call.value : (call.argument ?? .none) },
        "default_if_none": define(.required) { call in
            if case .none = call.value { return call.argument ?? .none }
            return call.value
        },
        "date": define(.optional) { call in
            if case .none = call.value { return .text("") }
            if case .string(let text, _) = call.value, text.isEmpty { return .text("") }
            let formats = Translations.formats(call.settings.languageCode)
            let format = DateFilters.namedFormat(call.argument?.pythonString, default: formats.date, call.settings)
            return .text(DateFormat.format(call.value, format, settings: call.settings) ?? "")
        },
        "time": define(.optional) { call in
            if case .none = call.value { return .text("") }
            if case .string(let text, _) = call.value, text.isEmpty { return .text("") }
            let formats = Translations.formats(call.settings.languageCode)
            let format = DateFilters.namedFormat(call.argument?.pythonString, default: formats.time, call.settings)
            return .text(DateFormat.format(call.value, format, settings: call.settings) ?? "")
        },
        "floatformat": define(.optional, safe: true) { call in
            NumberFilters.floatformat(call.value, call.argument, call.settings)
        },
        "filesizeformat": define(safe: true) { call in NumberFilters.filesizeformat(call.value, call.settings) },
        "stringformat": define(.required, safe: true) { call in
            NumberFilters.stringformat(call.value, call.argument?.pythonString ?? "")
        },
        "escape": define(safe: true, string: true) { call in HTML.conditionalEscape(call.value) },
        "force_escape": define(safe: true, string: true) { call in .string(HTML.escape(text(call)), safe: true) },
        "first": define { call in
            switch call.value {
            case .list(let items): return items.first ?? .text("")
            case .string(let value, _): return value.first.map { .text(String($0)) } ?? .text("")
            default: return .text("")
            }
        },
        "last": define(safe: true) { call in
            switch call.value {
            case .list(let items): return items.last ?? .text("")
            case .string(let value, _): return value.last.map { .text(String($0)) } ?? .text("")
            default: return .text("")
            }
        },
        "join": define(.required, safe: true) { call in
            guard case .list(let items) = call.value else { return call.value }
            let separator = call.argument ?? .text("")
            if call.autoescape {
                let joined = items.map { HTML.conditionalEscape($0).pythonString }
                    .joined(separator: HTML.conditionalEscape(separator).pythonString)
                return .string(joined, safe: true)
            }
            guard items.allSatisfy(\.isStringValue) else { return call.value }
            return .string(items.map(\.pythonString).joined(separator: separator.pythonString), safe: true)
        },
        "length": define { call in
            switch call.value {
            case .list(let items): return .int(items.count)
            case .string(let value, _): return .int(value.unicodeScalars.count)
            case .dictionary(let entries): return .int(entries.count)
            default: return .int(0)
            }
        },
        "length_is": define(.required) { call in
            guard let count = try? run(filters["length"]!, call).pythonInt else { return .text("") }
            return .bool(count == call.argument?.pythonInt)
        },
        "linebreaks": define(safe: true, string: true) { call in
            .string(HTML.linebreaks(text(call), autoescape: call.autoescape && !call.value.isSafe), safe: true)
        },
        "linebreaksbr": define(safe: true, string: true) { call in
            var value = HTML.normalizeNewlines(text(call))
            if call.autoescape && !call.value.isSafe { value = HTML.escape(value) }
            return .string(value.replacingOccurrences(of: "\n", with: "<br>"), safe: true)
        },
        "lower": define(safe: true, string: true) { call in .text(text(call).lowercased()) },
        "upper": define(string: true) { call in .text(text(call).uppercased()) },
        "title": define(safe: true, string: true) { call in .text(TextFilters.title(text(call))) },
        "pluralize": define(.optional) { call in
            var argument = call.argument?.pythonString ?? "s"
            if !argument.contains(",") { argument = "," + argument }
            let bits = argument.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard bits.count <= 2 else { return .text("") }
            switch call.value {
            case .int, .double, .bool:
                return .text(call.value.number == 1 ? bits[0] : bits[1])
            case .string(let value, _):
                guard let number = Double(value.trimmingWhitespace()) else { return .text("") }
                return .text(number == 1 ? bits[0] : bits[1])
            case .list(let items): return .text(items.count == 1 ? bits[0] : bits[1])
            case .dictionary(let entries): return .text(entries.count == 1 ? bits[0] : bits[1])
            default: return .text("")
            }
        },
        "safe": define(safe: true, string: true) { call in .string(text(call), safe: true) },
        "slice": define(.required, safe: true) { call in
            let bits = (call.argument?.pythonString ?? "").split(separator: ":", omittingEmptySubsequences: false)
            var numbers: [Int?] = []
            for bit in bits {
                if bit.isEmpty {
                    numbers.append(nil)
                } else if let number = Int(bit) {
                    numbers.append(number)
                } else {
                    return call.value
                }
            }
            guard (1...3).contains(numbers.count) else { return call.value }
            switch call.value {
            case .list(let items): return .list(TextFilters.slice(items, numbers))
            case .string(let value, let safe):
                return .string(String(TextFilters.slice(Array(value), numbers)), safe: safe)
            default: return call.value
            }
        },
        "truncatechars": define(.required, safe: true, string: true) { call in
            guard let length = call.argument?.pythonInt else { return call.value }
            return .text(TextFilters.truncateChars(text(call), length))
        },
        "truncatewords": define(.required, safe: true, string: true) { call in
            guard let length = call.argument?.pythonInt else { return call.value }
            return .text(TextFilters.truncateWords(text(call), length))
        },
        "urlencode": define(.optional, string: true) { call in
            .text(TextFilters.quote(text(call), safe: call.argument?.pythonString ?? "/"))
        },
        "wordcount": define(string: true) { call in
            .int(text(call).split(whereSeparator: { $0.isWhitespace }).count)
        },
        "yesno": define(.optional) { call in
            let mapping = call.argument?.pythonString ?? Translations.yesNoMaybe(call.settings.languageCode)
            let bits = mapping.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard bits.count >= 2 else { return call.value }
            let maybe = bits.count >= 3 ? bits[2] : bits[1]
            if case .none = call.value { return .text(maybe) }
            return .text(call.value.isTrue ? bits[0] : bits[1])
        },
    ]
}

extension TemplateValue {
    /// Whether this is text (Django's `str`).
    var isStringValue: Bool {
        if case .string = self { return true }
        return false
    }

    /// Python's `int(value)` where it succeeds (ints, floats truncated, bools, numeric text).
    var pythonInt: Int? {
        switch self {
        case .int(let value): return value
        case .bool(let value): return value ? 1 : 0
        case .double(let value): return value.isFinite ? Int(value) : nil
        case .string(let value, _): return Int(value.trimmingWhitespace())
        default: return nil
        }
    }
}
