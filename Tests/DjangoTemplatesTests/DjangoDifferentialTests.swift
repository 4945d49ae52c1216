import CeleryWire
import DjangoTemplates
import Foundation
import Testing

/// The corpus in `Corpus/cases.json`, rendered by real Django 5.2 (`render_with_django.py`, in
/// `.venv/django-5.2` from `scripts/setup-python.sh`) and by this engine, byte for byte. A case
/// Django refuses must be refused here too.
@Suite(.enabled(if: DjangoCorpus.python != nil, "needs .venv/django-5.2 (scripts/setup-python.sh)"))
struct DjangoDifferentialTests {
    static var corpus: URL { DjangoCorpus.folder }
    static var python: String? { DjangoCorpus.python }

    /// Django's outputs for every case, by name.
    static func expected() throws -> JSONObject {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python!)
        process.arguments = [
            corpus.appendingPathComponent("render_with_django.py").path,
            corpus.appendingPathComponent("cases.json").path,
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return try JSONParser().parse(Array(data)).objectValue ?? JSONObject()
    }

    @Test func everyCaseRendersAsDjangoRendersIt() throws {
        let cases =
            try JSONParser().parse(Array(Data(contentsOf: Self.corpus.appendingPathComponent("cases.json"))))
            .arrayValue ?? []
        let expected = try Self.expected()
        #expect(cases.count >= 150)
        var failures: [String] = []
        for item in cases {
            guard let object = item.objectValue, let name = object["name"]?.stringValue,
                let source = object["template"]?.stringValue, let django = expected[name]?.objectValue
            else {
                Issue.record("a malformed case or no Django result: \(item)")
                continue
            }
            let options = object["settings"]?.objectValue
            var settings = TemplateSettings(
                timeZone: options?["TIME_ZONE"]?.stringValue ?? "UTC",
                languageCode: options?["LANGUAGE_CODE"]?.stringValue ?? "es-mx")
            let now = object["now"]?.stringValue ?? "2026-03-05T14:07:09+00:00"
            if case .dateTime(let seconds, _) = Self.dateTime(now) { settings.now = seconds }
            var sources: [String: String] = [:]
            for (key, value) in object["templates"]?.objectValue ?? JSONObject() { sources[key] = value.stringValue }
            let loader = InMemoryTemplateLoader(sources)
            let context = Self.values(object["context"]?.objectValue ?? JSONObject())
            let ours: Result<String, any Error> = Result {
                try Template(source: source, loader: loader).render(context, settings: settings)
            }
            switch (django["output"]?.stringValue, ours) {
            case (let want?, .success(let got)) where want == got:
                continue
            case (let want?, .success(let got)):
                failures.append("\(name): Django \(want.debugDescription), ours \(got.debugDescription)")
            case (let want?, .failure(let error)):
                failures.append("\(name): Django \(want.debugDescription), ours threw \(error)")
            case (nil, .success(let got)):
                failures.append(
                    "\(name): Django refused (\(django["error"]?.stringValue ?? "")), ours \(got.debugDescription)")
            case (nil, .failure):
                continue
            }
        }
        #expect(failures.isEmpty, "\(failures.count) of \(cases.count) differ:\n\(failures.joined(separator: "\n"))")
    }

    /// The corpus' JSON with its typed markers, as template values.
    static func values(_ object: JSONObject) -> [String: TemplateValue] {
        var out: [String: TemplateValue] = [:]
        for (key, value) in object { out[key] = self.value(value) }
        return out
    }

    static func value(_ json: JSONValue) -> TemplateValue {
        switch json {
        case .null: return .none
        case .bool(let value): return .bool(value)
        case .int(let value): return .int(Int(value))
        case .bigInt(let digits): return .text(digits)
        case .double(let value): return .double(value)
        case .string(let value): return .text(value)
        case .array(let items): return .list(items.map(value))
        case .object(let object):
            switch object["__type__"]?.stringValue {
            case "datetime":
                let iso = object["iso"]?.stringValue ?? ""
                return dateTime(iso)
            case "date":
                let parts = (object["iso"]?.stringValue ?? "").split(separator: "-").compactMap { Int($0) }
                return .date(year: parts[0], month: parts[1], day: parts[2])
            case "safe": return .string(object["value"]?.stringValue ?? "", safe: true)
            case "float": return .double(object["value"]?.doubleValue ?? 0)
            default: return .dictionary(object.map { ($0.key, value($0.value)) })
            }
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[+HH:MM]`: aware with an offset, naive without.
    static func dateTime(_ iso: String) -> TemplateValue {
        // Fractional seconds (up to microseconds) are taken off and added back exactly.
        var text = iso
        var fraction = 0.0
        if let dot = text.firstIndex(of: ".") {
            let digits = text[text.index(after: dot)...].prefix { $0.isNumber }
            fraction = Double("0." + digits) ?? 0
            text.removeSubrange(dot..<text.index(dot, offsetBy: digits.count + 1))
        }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) {
            return .dateTime(date.timeIntervalSince1970 + fraction, naive: false)
        }
        let naive = formatter.date(from: text + "Z")
        return .dateTime((naive?.timeIntervalSince1970 ?? 0) + fraction, naive: true)
    }
}

/// Where the corpus and Django's Python are.
enum DjangoCorpus {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static var python: String? {
        let root = folder.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path =
            ProcessInfo.processInfo.environment["DJANGO_PYTHON"]
            ?? root.appendingPathComponent(".venv/django-5.2/bin/python").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }
}
