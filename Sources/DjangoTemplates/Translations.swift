/// The few catalog strings of Django's own filters, for the languages SIGMA runs in.
enum Translations {
    /// `gettext("yes,no,maybe")`.
    static func yesNoMaybe(_ languageCode: String) -> String {
        languageCode.lowercased().hasPrefix("es") ? "sí,no,tal vez" : "yes,no,maybe"
    }
}

extension Translations {
    /// Django's `dates` names for a language (English, or Spanish from Django's `es` catalog).
    struct DateNames: Sendable {
        var months: [String]
        var monthsAbbreviated: [String]
        var monthsAP: [String]
        var weekdays: [String]
        var weekdaysAbbreviated: [String]
        var am: String, pm: String, amUpper: String, pmUpper: String, midnight: String, noon: String
    }

    static func dateNames(_ languageCode: String) -> DateNames {
        if languageCode.lowercased().hasPrefix("es") {
            return DateNames(
                months: [
                    "Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto", "Septiembre", "Octubre",
                    "Noviembre", "Diciembre",
                ],
                monthsAbbreviated: [
                    "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic",
                ],
                monthsAP: [
                    "Ene.", "Feb.", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Ago.", "Sep.", "Oct.", "Nov.", "Dic.",
                ],
                weekdays: ["Lunes", "Martes", "Miércoles", "Jueves", "Viernes", "Sábado", "Domingo"],
                weekdaysAbbreviated: ["Lun", "Mar", "Mie", "Jue", "Vie", "Sab", "Dom"],
                am: "a.m.", pm: "p.m.", amUpper: "AM", pmUpper: "PM", midnight: "medianoche", noon: "mediodía")
        }
        return DateNames(
            months: [
                "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December",
            ],
            monthsAbbreviated: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
            monthsAP: [
                "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.",
            ],
            weekdays: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
            weekdaysAbbreviated: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
            am: "a.m.", pm: "p.m.", amUpper: "AM", pmUpper: "PM", midnight: "midnight", noon: "noon")
    }

    /// The locale's formats (Django's `conf/locale/<lang>/formats.py`); es-mx and English.
    static func formats(_ languageCode: String) -> (date: String, dateTime: String, time: String, decimal: String) {
        let code = languageCode.lowercased().replacingOccurrences(of: "_", with: "-")
        if code.hasPrefix("es") {
            return (#"j \d\e F \d\e Y"#, #"j \d\e F \d\e Y \a \l\a\s H:i"#, "H:i", code == "es-mx" ? "." : ",")
        }
        return ("N j, Y", "N j, Y, P", "P", ".")
    }
}
