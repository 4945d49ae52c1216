import Foundation

/// Django's `dateformat.format`: PHP-style format characters, names from the active language,
/// a backslash escapes the next character.
struct DateFormat {
    let time: CivilTime
    /// Whether the value has a time zone (an aware date-time); dates and naive values have none.
    let aware: Bool
    /// Whether the value has a time of day (not a plain date).
    let hasTime: Bool
    let zoneName: String
    let zoneAbbreviation: String
    let names: Translations.DateNames

    /// Formats an aware date-time shown in `zone`, a naive one as it is, or a date.
    static func format(_ value: TemplateValue, _ format: String, settings: TemplateSettings) -> String? {
        let names = Translations.dateNames(settings.languageCode)
        switch value {
        case .dateTime(let seconds, let naive):
            if naive {
                let time = CivilTime(seconds: seconds, offset: 0)
                return DateFormat(
                    time: time, aware: false, hasTime: true, zoneName: "", zoneAbbreviation: "", names: names
                )
                .render(format)
            }
            let zone = TimeZone(identifier: settings.useTZ ? settings.timeZone : "UTC") ?? TimeZone(identifier: "UTC")!
            let instant = Date(timeIntervalSince1970: seconds)
            let offset = zone.secondsFromGMT(for: instant)
            let abbreviation =
                ZoneAbbreviations.abbreviation(
                    zone: zone.identifier, at: seconds, daylight: zone.isDaylightSavingTime(for: instant))
                ?? zone.abbreviation(for: instant) ?? ""
            let time = CivilTime(seconds: seconds, offset: offset)
            return DateFormat(
                time: time, aware: true, hasTime: true, zoneName: zone.identifier, zoneAbbreviation: abbreviation,
                names: names
            ).render(format)
        case .date(let year, let month, let day):
            let time = CivilTime(year: year, month: month, day: day)
            return DateFormat(
                time: time, aware: false, hasTime: false, zoneName: "", zoneAbbreviation: "", names: names
            )
            .render(format)
        default:
            return nil
        }
    }

    func render(_ format: String) -> String {
        var out = ""
        var escaped = false
        for character in format {
            if escaped {
                out.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                out += field(character) ?? String(character)
            }
        }
        return out
    }

    private func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    private var hour12: Int { time.hour % 12 == 0 ? 12 : time.hour % 12 }

    /// One format character; nil for a character that is copied as it is.
    private func field(_ character: Character) -> String? {
        switch character {
        case "a": return hasTime ? (time.hour > 11 ? names.pm : names.am) : ""
        case "A": return hasTime ? (time.hour > 11 ? names.pmUpper : names.amUpper) : ""
        case "b": return names.monthsAbbreviated[time.month - 1]
        case "c":
            var text = String(format: "%04d-%02d-%02d", time.year, time.month, time.day)
            if hasTime {
                text += String(format: "T%02d:%02d:%02d", time.hour, time.minute, time.second)
                if time.microsecond != 0 { text += String(format: ".%06d", time.microsecond) }
                if aware { text += offset(colon: true) }
            }
            return text
        case "d": return two(time.day)
        case "D": return names.weekdaysAbbreviated[time.weekday]
        case "e": return aware ? zoneAbbreviation : ""
        case "E": return names.months[time.month - 1]
        case "f":
            guard hasTime else { return "" }
            return time.minute == 0 ? "\(hour12)" : "\(hour12):\(two(time.minute))"
        case "F": return names.months[time.month - 1]
        case "g": return hasTime ? "\(hour12)" : ""
        case "G": return hasTime ? "\(time.hour)" : ""
        case "h": return hasTime ? two(hour12) : ""
        case "H": return hasTime ? two(time.hour) : ""
        case "i": return hasTime ? two(time.minute) : ""
        case "I":
            return aware ? (TimeZone(identifier: zoneName)?.isDaylightSavingTime(for: date) == true ? "1" : "0") : ""
        case "j": return "\(time.day)"
        case "l": return names.weekdays[time.weekday]
        case "L": return CivilTime.isLeap(time.year) ? "True" : "False"
        case "m": return two(time.month)
        case "M": return names.monthsAbbreviated[time.month - 1].capitalizedFirst
        case "n": return "\(time.month)"
        case "N": return names.monthsAP[time.month - 1]
        case "o": return "\(time.isoWeek.year)"
        case "O": return aware ? offset(colon: false) : ""
        case "P":
            guard hasTime else { return "" }
            if time.minute == 0 && time.hour == 0 { return names.midnight }
            if time.minute == 0 && time.hour == 12 { return names.noon }
            return "\(field("f")!) \(field("a")!)"
        case "r":
            let english = Translations.dateNames("en")
            return "\(english.weekdaysAbbreviated[time.weekday]), \(two(time.day)) "
                + "\(english.monthsAbbreviated[time.month - 1].capitalizedFirst) \(time.year) "
                + "\(two(time.hour)):\(two(time.minute)):\(two(time.second)) \(aware ? offset(colon: false) : "+0000")"
        case "s": return hasTime ? two(time.second) : ""
        case "S":
            if (11...13).contains(time.day) { return "th" }
            switch time.day % 10 {
            case 1: return "st"
            case 2: return "nd"
            case 3: return "rd"
            default: return "th"
            }
        case "t": return two(time.daysInMonth)
        case "T": return aware ? zoneAbbreviation : ""
        case "u": return hasTime ? String(format: "%06d", time.microsecond) : "000000"
        case "U": return String(Int(date.timeIntervalSince1970))
        case "w": return "\((time.weekday + 1) % 7)"
        case "W": return "\(time.isoWeek.week)"
        case "y": return two(time.year % 100)
        case "Y": return String(format: "%04d", time.year)
        case "z": return "\(time.dayOfYear)"
        case "Z": return aware ? "\(time.offset)" : ""
        default: return nil
        }
    }

    /// The instant (for the DST flag and `U`).
    private var date: Date {
        let local = Double(time.days * 86_400 + time.hour * 3600 + time.minute * 60 + time.second)
        return Date(timeIntervalSince1970: local - Double(time.offset))
    }

    private func offset(colon: Bool) -> String {
        let sign = time.offset < 0 ? "-" : "+"
        let magnitude = abs(time.offset)
        return sign + two(magnitude / 3600) + (colon ? ":" : "") + two(magnitude % 3600 / 60)
    }
}

extension String {
    /// The first character upper-cased (`Ene` from `ene`).
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
