import Foundation
import Logging
import SigmaTestSupport
import Synchronization
import Testing

@testable import SigmaMail

@Suite("File, console, locmem and dummy backends", .timeLimit(.minutes(1)))
struct LocalBackendTests {
    @Test("file backend writes one parseable .eml per message")
    func fileBackend() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let target = directory.path + "/nested/outbox"
        let configuration = try MailConfiguration(environment: [
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_FILE_PATH": target,
        ])
        let backend = try configuration.makeBackend(logger: Logger(label: "test"))
        let first = try await backend.send(try Fixtures.fullMessage())
        _ = try await backend.send(try Fixtures.fullMessage(subject: "segundo"))
        let files = try FileManager.default.contentsOfDirectory(atPath: target).sorted()
        #expect(files.count == 2)
        for file in files {
            #expect(file.wholeMatch(of: /\d{8}-\d{6}-[0-9a-f]{16}\.eml/) != nil, "unexpected name \(file)")
        }
        let parsed = try files.map { try ParsedEmail.parse(file: target + "/" + $0) }
        #expect(Set(parsed.compactMap(\.subject)) == ["🔧ENVIO DE EQUIPO RHITSO - OS-1", "segundo"])
        #expect(parsed.contains { $0.message_id == first.messageID })
    }

    @Test("file backend refuses a path that is a file")
    func fileBackendBadPath() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.path + "/plain-file"
        #expect(FileManager.default.createFile(atPath: file, contents: Data()))
        let error = #expect(throws: MailError.self) { try FileMailBackend(directory: file) }
        #expect(error?.code == .invalidConfiguration)
    }

    @Test("console backend writes the message and a separator line")
    func consoleBackend() async throws {
        let output = Mutex<[UInt8]>([])
        let backend = ConsoleMailBackend { bytes in output.withLock { $0 += bytes } }
        let report = try await backend.send(try Fixtures.fullMessage())
        let text = String(decoding: output.withLock { $0 }, as: UTF8.self)
        #expect(text.contains("Message-ID: \(report.messageID)"))
        #expect(text.hasSuffix("\n" + String(repeating: "-", count: 79) + "\n"))
    }

    @Test("locmem keeps messages; dummy drops them")
    func memoryAndDummy() async throws {
        let memory = MemoryMailBackend()
        _ = try await memory.send(try Fixtures.fullMessage())
        #expect(memory.outbox.count == 1)
        #expect(memory.outbox.first?.message.subject == "🔧ENVIO DE EQUIPO RHITSO - OS-1")
        memory.clear()
        #expect(memory.outbox.isEmpty)
        let report = try await DummyMailBackend().send(try Fixtures.fullMessage())
        #expect(!report.delivered)
    }
}
