/// Django's `localize` (`USE_L10N` is always on since Django 5.0): numbers with the locale's
/// decimal separator (no grouping unless asked), dates in the locale's formats and `TIME_ZONE`.
enum Localization {
    static func localize(_ value: TemplateValue, _ settings: TemplateSettings) -> TemplateValue {
        let formats = Translations.formats(settings.languageCode)
        switch value {
        case .double(let number):
            return .text(numberFormat(number, decimal: formats.decimal))
        case .dateTime:
            return .text(DateFormat.format(value, formats.dateTime, settings: settings) ?? "")
        case .date:
            return .text(DateFormat.format(value, formats.date, settings: settings) ?? "")
        default:
            return value
        }
    }

    /// `numberformat.format` for a float and no fixed decimals: Python's `str()`, written out
    /// without an exponent (Django goes through `Decimal` and `{:f}` for those).
    static func numberFormat(_ number: Double, decimal: String) -> String {
        guard number.isFinite else { return PythonFormat.repr(number) }
        var text = PythonFormat.repr(number)
        if text.contains("e") {
            let (negative, digits, exponent) = PythonFormat.decompose(number)
            let digitText = String(digits)
            if exponent >= 0 {
                let whole = digitText + String(repeating: "0", count: max(0, exponent + 1 - digits.count))
                let integer = String(whole.prefix(exponent + 1))
                let fraction = String(whole.dropFirst(exponent + 1))
                text = (negative ? "-" : "") + integer + (fraction.isEmpty ? "" : "." + fraction)
            } else {
                text = (negative ? "-" : "") + "0." + String(repeating: "0", count: -exponent - 1) + digitText
            }
        }
        return text.replacingOccurrences(of: ".", with: decimal)
    }
}
