import Foundation

/// `floatformat`, `filesizeformat` and `stringformat`, with Python's decimal and `%` rules.
enum NumberFilters {
    /// A decimal number as Python's `Decimal(str(value))` reads it: digits and a scale
    /// (`value = digits × 10^-scale`).
    struct DecimalNumber: Sendable, Hashable {
        var negative: Bool
        var digits: [UInt8]
        var scale: Int

        init?(_ text: String) {
            var characters = Substring(text.trimmingWhitespace())
            negative = characters.first == "-"
            if characters.first == "-" || characters.first == "+" { characters = characters.dropFirst() }
            var exponent = 0
            if let e = characters.firstIndex(where: { $0 == "e" || $0 == "E" }) {
                guard let value = Int(characters[characters.index(after: e)...]) else { return nil }
                exponent = value
                characters = characters[..<e]
            }
            let parts = characters.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= 2, !(parts.allSatisfy { $0.isEmpty }) else { return nil }
            let whole = parts[0], fraction = parts.count > 1 ? parts[1] : ""
            guard (whole + fraction).allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            digits = (whole + fraction).map { UInt8($0.asciiValue! - 48) }
            scale = fraction.count - exponent
            if scale < 0 {
                digits += [UInt8](repeating: 0, count: -scale)
                scale = 0
            }
            while digits.count > 1 && digits.first == 0 && digits.count > scale + 1 { digits.removeFirst() }
        }

        var isInteger: Bool { digits.suffix(scale).allSatisfy { $0 == 0 } }

        var isZero: Bool { digits.allSatisfy { $0 == 0 } }

        /// The integer part's digits (truncated toward zero).
        var integerDigits: String {
            let count = digits.count - scale
            guard count > 0 else { return "0" }
            let text = String(digits.prefix(count).map { Character(Unicode.Scalar($0 + 48)) })
            let trimmed = text.drop { $0 == "0" }
            return trimmed.isEmpty ? "0" : String(trimmed)
        }

        /// Rounded half away from zero to `places` decimals: (integer digits, fraction digits).
        func rounded(_ places: Int) -> (String, String) {
            var digits = self.digits
            var scale = self.scale
            if scale < places {
                digits += [UInt8](repeating: 0, count: places - scale)
                scale = places
            } else if scale > places {
                let dropped = scale - places
                let keep = digits.count - dropped
                let roundUp = keep >= 0 && keep < digits.count && digits[keep] >= 5
                digits = keep > 0 ? Array(digits.prefix(keep)) : [0]
                scale = places
                if roundUp {
                    var index = digits.count - 1
                    while index >= 0 {
                        if digits[index] == 9 {
                            digits[index] = 0
                            index -= 1
                        } else {
                            digits[index] += 1
                            break
                        }
                    }
                    if index < 0 { digits.insert(1, at: 0) }
                }
            }
            while digits.count < scale + 1 { digits.insert(0, at: 0) }
            let text = digits.map { Character(Unicode.Scalar($0 + 48)) }
            var whole = String(text.prefix(text.count - scale)).drop { $0 == "0" }
            if whole.isEmpty { whole = "0" }
            return (String(whole), String(text.suffix(scale)))
        }
    }

    /// `formats.number_format` for a digit string already rounded: the locale's decimal
    /// separator, groups of three when forced (`g`).
    static func numberFormat(
        negative: Bool, whole: String, fraction: String, localized: Bool, grouping: Bool, _ settings: TemplateSettings
    ) -> String {
        let decimal = localized ? Translations.formats(settings.languageCode).decimal : "."
        let thousands = decimal == "," ? "." : ","
        var integer = whole
        if grouping {
            var grouped: [String] = []
            var rest = Substring(whole)
            while rest.count > 3 {
                grouped.insert(String(rest.suffix(3)), at: 0)
                rest = rest.dropLast(3)
            }
            grouped.insert(String(rest), at: 0)
            integer = grouped.joined(separator: thousands)
        }
        return (negative ? "-" : "") + integer + (fraction.isEmpty ? "" : decimal + fraction)
    }

    /// `floatformat`: `-1` (default: one decimal unless whole), `2`, `-2`, `0`, with `g`
    /// (grouping) and `u` (no localization) suffixes.
    static func floatformat(_ value: TemplateValue, _ argument: TemplateValue?, _ settings: TemplateSettings)
        -> TemplateValue
    {
        var places = -1
        var grouping = false
        var localized = true
        if let argument {
            var text = argument.pythonString
            if case .string = argument {
                if text.hasSuffix("gu") || text.hasSuffix("ug") {
                    grouping = true
                    localized = false
                    text.removeLast(2)
                } else if text.hasSuffix("g") {
                    grouping = true
                    text.removeLast()
                } else if text.hasSuffix("u") {
                    localized = false
                    text.removeLast()
                }
            }
            if text.isEmpty {
                places = -1
            } else if let number = Int(text.trimmingWhitespace()) {
                places = number
            } else {
                return .text(value.pythonString)
            }
        }
        let input = value.pythonString
        var parsed = DecimalNumber(input)
        if parsed == nil, let number = value.number ?? Double(input.trimmingWhitespace()), number.isFinite {
            parsed = DecimalNumber(PythonFormat.repr(number))  // Python: Decimal(str(float(value)))
        }
        guard let number = parsed else { return .text("") }
        if number.isInteger && places <= 0 {
            let negative = number.negative && !number.isZero
            return .string(
                numberFormat(
                    negative: negative, whole: number.integerDigits, fraction: "", localized: localized,
                    grouping: grouping, settings), safe: true)
        }
        let (whole, fraction) = number.rounded(abs(places))
        let negative = number.negative && !(whole.allSatisfy { $0 == "0" } && fraction.allSatisfy { $0 == "0" })
        return .string(
            numberFormat(
                negative: negative, whole: whole, fraction: fraction, localized: localized, grouping: grouping,
                settings), safe: true)
    }

    /// `filesizeformat`: bytes, KB, MB, GB, TB, PB (powers of 1024), one decimal, a no-break space.
    static func filesizeformat(_ value: TemplateValue, _ settings: TemplateSettings) -> TemplateValue {
        guard var size = value.pythonInt else { return .string("0\u{A0}bytes", safe: true) }
        let negative = size < 0
        size = abs(size)
        let units: [(String, Double)] = [
            ("KB", 1024), ("MB", 1_048_576), ("GB", 1_073_741_824), ("TB", 1_099_511_627_776),
            ("PB", 1_125_899_906_842_624),
        ]
        var text: String
        if size < 1024 {
            text = "\(size) " + (size == 1 ? "byte" : "bytes")
        } else {
            let (unit, divisor) = units.last { Double(size) >= $0.1 } ?? units[0]
            let shown = String(format: "%.1f", Double(size) / divisor)
            let decimal = Translations.formats(settings.languageCode).decimal
            text = shown.replacingOccurrences(of: ".", with: decimal) + " " + unit
        }
        if negative { text = "-" + text }
        return .string(text.replacingOccurrences(of: " ", with: "\u{A0}"), safe: true)
    }

    /// `stringformat`: Python's `"%" + arg % value` for one conversion (`s r d i f F e E g G x
    /// X o c`, with flags, width and precision); "" where Python raises.
    static func stringformat(_ value: TemplateValue, _ argument: String) -> TemplateValue {
        var spec = Substring(argument)
        var flags = ""
        while let first = spec.first, "-+ 0#".contains(first) {
            flags.append(first)
            spec = spec.dropFirst()
        }
        let width = spec.prefix { $0.isNumber }
        spec = spec.dropFirst(width.count)
        var precision: Int?
        if spec.first == "." {
            spec = spec.dropFirst()
            let digits = spec.prefix { $0.isNumber }
            precision = Int(digits) ?? 0
            spec = spec.dropFirst(digits.count)
        }
        guard spec.count == 1, let conversion = spec.first else { return .text("") }
        let head = "%" + flags + width + (precision.map { ".\($0)" } ?? "")
        func pad(_ text: String) -> String {
            guard let minimum = Int(width), text.count < minimum else { return text }
            let fill = String(repeating: " ", count: minimum - text.count)
            return flags.contains("-") ? text + fill : fill + text
        }
        switch conversion {
        case "s":
            var text = value.pythonString
            if let precision { text = String(text.prefix(precision)) }
            return .text(pad(text))
        case "r":
            var text = value.pythonRepr
            if let precision { text = String(text.prefix(precision)) }
            return .text(pad(text))
        case "d", "i", "x", "X", "o":
            let integer: Int
            switch value {
            case .int(let number): integer = number
            case .bool(let flag): integer = flag ? 1 : 0
            case .double(let number) where number.isFinite && "di".contains(conversion): integer = Int(number)
            default: return .text("")
            }
            let letter = conversion == "i" ? "d" : String(conversion)
            var text = String(format: head + "l" + letter, integer)
            if conversion == "o" && flags.contains("#") {
                text = text.replacingOccurrences(of: "0", with: "0o", options: [.anchored])
            }
            return .text(text)
        case "f", "F", "e", "E", "g", "G":
            guard let number = value.number else { return .text("") }
            return .text(String(format: head + String(conversion), number))
        case "c":
            if case .int(let code) = value, let scalar = Unicode.Scalar(code) {
                return .text(pad(String(Character(scalar))))
            }
            if case .string(let text, _) = value, text.count == 1 { return .text(pad(text)) }
            return .text("")
        default:
            return .text("")
        }
    }
}
