import CeleryWire
import Foundation
import SigmaTestSupport

/// `Fixtures/manifest.json`: every captured message and result, with what it must decode to.
struct FixtureManifest {
    struct Entry: Sendable, CustomStringConvertible {
        var file: String
        var celery: String
        var about: String
        var outcome: String
        var expect: JSONObject

        var description: String { file }

        var bytes: [UInt8] {
            let url = TestEnvironment.repositoryRoot.appendingPathComponent("Fixtures").appendingPathComponent(file)
            return Array((try? Data(contentsOf: url)) ?? Data())
        }
    }

    static let shared = FixtureManifest()

    let messages: [Entry]
    let results: [Entry]

    init() {
        let url = TestEnvironment.repositoryRoot.appendingPathComponent("Fixtures/manifest.json")
        let data = Array((try? Data(contentsOf: url)) ?? Data())
        let root = (try? JSONParser().parse(data))?.objectValue ?? [:]
        func entries(_ key: String) -> [Entry] {
            (root[key]?.arrayValue ?? []).compactMap { value in
                guard let object = value.objectValue, let file = object["file"]?.stringValue else { return nil }
                return Entry(
                    file: file, celery: object["celery"]?.stringValue ?? "?", about: object["about"]?.stringValue ?? "",
                    outcome: object["outcome"]?.stringValue ?? "request", expect: object["expect"]?.objectValue ?? [:])
            }
        }
        messages = entries("messages")
        results = entries("results")
    }
}
