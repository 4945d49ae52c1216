import Foundation
import Synchronization

/// Time-zone abbreviations (`EST`, `CST`, `-03`) as Python's `zoneinfo` gives them, read from the
/// zone's TZif file (Foundation on Linux only says `GMT-5`): the type of the last transition at
/// or before the instant, or after the last one the names in the file's POSIX rule.
enum ZoneAbbreviations {
    private struct Zone: Sendable {
        var transitions: [Int64] = []
        /// Per transition: the abbreviation in force from it on.
        var names: [String] = []
        /// The POSIX rule's standard and daylight names.
        var standard: String?
        var daylight: String?
    }

    private static let cache = Mutex<[String: Zone]>([:])

    /// The abbreviation in force at an instant.
    static func abbreviation(zone name: String, at seconds: Double, daylight: Bool) -> String? {
        if name == "UTC" || name == "Etc/UTC" { return "UTC" }
        let zone =
            cache.withLock { $0[name] }
            ?? {
                let read = read(name)
                cache.withLock { $0[name] = read }
                return read
            }()
        let instant = Int64(seconds.rounded(.down))
        if let last = zone.transitions.last, instant < last || zone.standard == nil {
            var low = 0, high = zone.transitions.count - 1, found = -1
            while low <= high {
                let middle = (low + high) / 2
                if zone.transitions[middle] <= instant {
                    found = middle
                    low = middle + 1
                } else {
                    high = middle - 1
                }
            }
            if found >= 0 { return zone.names[found] }
        }
        return daylight ? zone.daylight ?? zone.standard : zone.standard
    }

    private static func read(_ name: String) -> Zone {
        guard !name.contains(".."),
            let data = FileManager.default.contents(atPath: "/usr/share/zoneinfo/" + name), data.count > 44,
            data.prefix(4) == Data("TZif".utf8)
        else { return Zone() }
        let bytes = [UInt8](data)
        func number(_ at: Int, _ size: Int) -> Int64 {
            var value: Int64 = 0
            for index in 0..<size { value = value << 8 | Int64(bytes[at + index]) }
            if size == 4 { return Int64(Int32(truncatingIfNeeded: value)) }
            return value
        }
        func counts(_ base: Int) -> (isut: Int, isstd: Int, leap: Int, times: Int, types: Int, chars: Int) {
            (
                Int(number(base + 20, 4)), Int(number(base + 24, 4)), Int(number(base + 28, 4)),
                Int(number(base + 32, 4)), Int(number(base + 36, 4)), Int(number(base + 40, 4))
            )
        }
        var base = 0
        var size = 4
        var header = counts(0)
        if bytes[4] >= 0x32 {  // version 2+: the 64-bit block follows the 32-bit one
            base =
                44 + header.times * 5 + header.types * 6 + header.chars + header.leap * 8 + header.isstd + header.isut
            size = 8
            guard base + 44 <= bytes.count else { return Zone() }
            header = counts(base)
        }
        let timesAt = base + 44
        let indexesAt = timesAt + header.times * size
        let typesAt = indexesAt + header.times
        let charsAt = typesAt + header.types * 6
        let end = charsAt + header.chars + header.leap * (size + 4) + header.isstd + header.isut
        guard end <= bytes.count else { return Zone() }
        func typeName(_ type: Int) -> String {
            let start = charsAt + Int(bytes[typesAt + type * 6 + 5])
            var stop = start
            while stop < charsAt + header.chars, bytes[stop] != 0 { stop += 1 }
            return String(decoding: bytes[start..<stop], as: UTF8.self)
        }
        var zone = Zone()
        for index in 0..<header.times {
            zone.transitions.append(number(timesAt + index * size, size))
            zone.names.append(typeName(Int(bytes[indexesAt + index])))
        }
        if size == 8, end < bytes.count, bytes[end] == 0x0A {  // the footer: "\nEST5EDT,M3.2.0,M11.1.0\n"
            let footer = String(decoding: bytes[(end + 1)...].prefix { $0 != 0x0A }, as: UTF8.self)
            let names = posixNames(footer)
            zone.standard = names.standard
            zone.daylight = names.daylight
        }
        return zone
    }

    /// The names in a POSIX TZ rule: `EST5EDT,…` or `<-03>3`.
    static func posixNames(_ rule: String) -> (standard: String?, daylight: String?) {
        var characters = Substring(rule)
        func name() -> String? {
            if characters.first == "<" {
                guard let close = characters.firstIndex(of: ">") else { return nil }
                let text = String(characters[characters.index(after: characters.startIndex)..<close])
                characters = characters[characters.index(after: close)...]
                return text
            }
            let text = characters.prefix { $0.isLetter }
            characters = characters.dropFirst(text.count)
            return text.isEmpty ? nil : String(text)
        }
        let standard = name()
        characters = characters.drop { $0.isNumber || $0 == "+" || $0 == "-" || $0 == ":" }
        return (standard, name())
    }
}
