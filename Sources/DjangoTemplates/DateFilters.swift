/// Format names the `date` and `time` filters accept instead of a format (`get_format`).
enum DateFilters {
    static func namedFormat(_ argument: String?, default fallback: String, _ settings: TemplateSettings) -> String {
        guard let argument, !argument.isEmpty else { return fallback }
        let formats = Translations.formats(settings.languageCode)
        let spanish = settings.languageCode.lowercased().hasPrefix("es")
        switch argument {
        case "DATE_FORMAT": return formats.date
        case "DATETIME_FORMAT": return formats.dateTime
        case "TIME_FORMAT": return formats.time
        case "SHORT_DATE_FORMAT": return spanish ? "d/m/Y" : "m/d/Y"
        case "SHORT_DATETIME_FORMAT": return spanish ? "d/m/Y H:i" : "m/d/Y P"
        case "MONTH_DAY_FORMAT": return spanish ? #"j \d\e F"# : "F j"
        case "YEAR_MONTH_FORMAT": return spanish ? #"F \d\e Y"# : "F Y"
        default: return argument
        }
    }
}
