import Foundation
import Logging
import SigmaTestSupport
import Testing

@testable import SigmaMail

/// Delivery to a real aiosmtpd on loopback, and error classification against refusing servers.
@Suite("SMTP delivery through libcurl to aiosmtpd", .timeLimit(.minutes(1)))
struct SMTPDeliveryTests {
    static let user = "sigma-user"
    static let password = "S3cr3t-p4ss-🔑-never-logged"

    static func configuration(port: Int, tls: Bool = false, ssl: Bool = false) -> MailConfiguration {
        MailConfiguration(
            host: "127.0.0.1", port: port, useTLS: tls, useSSL: ssl, username: user, password: password,
            timeout: .seconds(10), totalTimeout: .seconds(30), localHostname: "sigma-worker.test"
        )
    }

    static func send(
        _ configuration: MailConfiguration, _ message: MailMessage, logs: LogCapture = LogCapture()
    ) async throws -> (RenderedMail, MailDeliveryReport) {
        let backend = try SMTPMailBackend(configuration: configuration, logger: logs.logger(), threads: 1)
        defer { backend.shutdown() }
        let rendered = try message.rendered()
        return (rendered, try await backend.send(rendered))
    }

    static func expectNoSecret(_ logs: LogCapture, _ error: (any Error)? = nil) {
        for line in logs.all {
            #expect(!line.contains(password), "password in log line: \(line)")
        }
        if let error {
            #expect(!"\(error)".contains(password))
            #expect(!String(reflecting: error).contains(password))
        }
    }

    @Test("plain SMTP with AUTH: the server receives exactly our bytes and the right envelope")
    func plainWithAuth() async throws {
        let server = try await SMTPTestServer(["--auth", "\(Self.user):\(Self.password)"])
        defer { server.stop() }
        let logs = LogCapture()
        let (rendered, report) = try await Self.send(
            Self.configuration(port: server.port), Fixtures.fullMessage(), logs: logs)
        #expect(report.delivered)
        #expect(report.refusedRecipients.isEmpty)
        let received = try server.received()
        try #require(received.count == 1)
        #expect(received[0].mailFrom == "noreply@example.com")
        #expect(received[0].recipients == ["cliente@example.com", "otro@example.org", "jefe@example.com"])
        let identical = received[0].bytes == rendered.bytes
        #expect(identical, "received bytes differ from the composed message")
        #expect(logs.all.contains { $0.contains("mail sent") })
        Self.expectNoSecret(logs)
    }

    @Test("a message near the 25 MiB budget (18 MiB of attachments) arrives byte for byte")
    func largeMessage() async throws {
        let server = try await SMTPTestServer()
        defer { server.stop() }
        var configuration = Self.configuration(port: server.port)
        configuration.username = ""
        var message = try Fixtures.fullMessage()
        message.attachments.append(
            MailAttachment(
                filename: "big.pdf", data: Fixtures.bytes(18 * 1_048_576, signature: Array("%PDF-1.7\n".utf8)))
        )
        let (rendered, report) = try await Self.send(configuration, message)
        #expect(report.delivered)
        let received = try server.received()
        try #require(received.count == 1)
        let identical = received[0].bytes == rendered.bytes
        #expect(identical)
    }

    @Test("STARTTLS verified against the server's certificate, configured from the environment")
    func startTLSFromEnvironment() async throws {
        let server = try await SMTPTestServer(["--starttls", "--auth", "\(Self.user):\(Self.password)"])
        defer { server.stop() }
        let configuration = try MailConfiguration(environment: [
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "localhost", "EMAIL_PORT": "\(server.port)", "EMAIL_USE_TLS": "True",
            "EMAIL_HOST_USER": Self.user, "EMAIL_HOST_PASSWORD": Self.password, "EMAIL_TIMEOUT": "10",
            "EMAIL_SSL_CAFILE": server.certificatePath,
        ])
        let logs = LogCapture()
        let backend = try configuration.makeBackend(logger: logs.logger())
        let message = try Fixtures.fullMessage(subject: "📸 Fotografías de ingreso - Orden X")
        let report = try await backend.send(message)
        (backend as? SMTPMailBackend)?.shutdown()
        #expect(report.delivered)
        let received = try server.received()
        try #require(received.count == 1)
        let parsed = try ParsedEmail.parse(received[0].bytes)
        #expect(parsed.subject == "📸 Fotografías de ingreso - Orden X")
        #expect(parsed.message_id == report.messageID)
        #expect(parsed.parts.count == 9)
        Self.expectNoSecret(logs)
    }

    @Test("implicit TLS (EMAIL_USE_SSL) with verification turned off for a self-signed certificate")
    func smtps() async throws {
        let server = try await SMTPTestServer(["--smtps"])
        defer { server.stop() }
        var configuration = Self.configuration(port: server.port, ssl: true)
        configuration.username = ""
        configuration.sslVerify = false
        let (rendered, report) = try await Self.send(configuration, Fixtures.fullMessage(cc: []))
        #expect(report.delivered)
        let received = try server.received()
        try #require(received.count == 1)
        let identical = received[0].bytes == rendered.bytes
        #expect(identical)
        #expect(received[0].recipients == ["cliente@example.com", "otro@example.org"])
    }

    @Test("an untrusted certificate is a permanent certificateRejected error")
    func untrustedCertificate() async throws {
        let server = try await SMTPTestServer(["--starttls"])
        defer { server.stop() }
        var configuration = Self.configuration(port: server.port, tls: true)
        configuration.sslCAFile = "/etc/ssl/certs/ca-certificates.crt"
        let error = await #expect(throws: MailError.self) { try await Self.send(configuration, Fixtures.fullMessage()) }
        #expect(error?.code == .certificateRejected)
        #expect(error?.isTemporary == false)
        #expect(try server.received().isEmpty)
    }

    @Test("a wrong password is a permanent authenticationFailed with reply 535; the password is never shown")
    func wrongPassword() async throws {
        let server = try await SMTPTestServer(["--auth", "\(Self.user):another-password"])
        defer { server.stop() }
        let logs = LogCapture()
        let error = await #expect(throws: MailError.self) {
            try await Self.send(Self.configuration(port: server.port), Fixtures.fullMessage(), logs: logs)
        }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.replyCode == 535)
        #expect(error?.isTemporary == false)
        #expect(logs.all.contains { $0.contains("mail not sent") && $0.contains("535") })
        Self.expectNoSecret(logs, error)
        #expect(try server.received().isEmpty)
    }

    @Test("550 for every recipient is a permanent recipientsRefused with the server's text")
    func recipientRefusedPermanently() async throws {
        let server = try await SMTPTestServer(["--refuse-all", "550 5.1.1 No such user here"])
        defer { server.stop() }
        var configuration = Self.configuration(port: server.port)
        configuration.username = ""
        let logs = LogCapture()
        let error = await #expect(throws: MailError.self) {
            try await Self.send(configuration, Fixtures.fullMessage(), logs: logs)
        }
        #expect(error?.code == .recipientsRefused)
        #expect(error?.replyCode == 550)
        #expect(error?.serverText?.contains("No such user here") == true)
        #expect(error?.isTemporary == false)
        #expect(try server.received().isEmpty)
        Self.expectNoSecret(logs, error)
    }

    @Test("451 for the recipient is a temporary error")
    func recipientRefusedTemporarily() async throws {
        let server = try await SMTPTestServer(["--refuse-all", "451 4.3.0 Try again later"])
        defer { server.stop() }
        var configuration = Self.configuration(port: server.port)
        configuration.username = ""
        let error = await #expect(throws: MailError.self) { try await Self.send(configuration, Fixtures.fullMessage()) }
        #expect(error?.code == .recipientsRefused)
        #expect(error?.replyCode == 451)
        #expect(error?.serverText?.contains("Try again later") == true)
        #expect(error?.isTemporary == true)
    }

    @Test("one refused recipient among accepted ones: sent to the others, refusal reported")
    func partialRefusal() async throws {
        let server = try await SMTPTestServer(["--refuse", "otro@example.org=550 5.1.1 Unknown"])
        defer { server.stop() }
        var configuration = Self.configuration(port: server.port)
        configuration.username = ""
        let (_, report) = try await Self.send(configuration, Fixtures.fullMessage())
        #expect(report.delivered)
        #expect(report.refusedRecipients.map(\.address) == ["otro@example.org"])
        #expect(report.refusedRecipients.first?.replyCode == 550)
        let received = try server.received()
        try #require(received.count == 1)
        #expect(received[0].recipients == ["cliente@example.com", "jefe@example.com"])
    }

    @Test("a refused message (554 after DATA) is a permanent messageRefused")
    func messageRefused() async throws {
        let server = try await SMTPTestServer(["--data-reply", "554 5.6.0 Message rejected as spam"])
        defer { server.stop() }
        var configuration = Self.configuration(port: server.port)
        configuration.username = ""
        let error = await #expect(throws: MailError.self) { try await Self.send(configuration, Fixtures.fullMessage()) }
        #expect(error?.code == .messageRefused)
        #expect(error?.replyCode == 554)
        #expect(error?.isTemporary == false)
    }

    @Test("a server that is down is a temporary connectionFailed")
    func serverDown() async throws {
        let port = TestEnvironment.closedPort()
        let logs = LogCapture()
        let error = await #expect(throws: MailError.self) {
            try await Self.send(Self.configuration(port: port), Fixtures.fullMessage(), logs: logs)
        }
        #expect(error?.code == .connectionFailed)
        #expect(error?.replyCode == nil)
        #expect(error?.isTemporary == true)
        Self.expectNoSecret(logs, error)
    }

    @Test("no recipients: nothing is sent, no connection is made, and it succeeds")
    func emptyRecipients() async throws {
        let port = TestEnvironment.closedPort()
        let message = try MailMessage(subject: "x", htmlBody: "x", from: "a@example.com", to: ["", " "], cc: [])
        let (_, report) = try await Self.send(Self.configuration(port: port), message)
        #expect(report.delivered == false)
        #expect(report.recipients.isEmpty)
    }

    @Test("a cancelled send stops with a cancelled error")
    func cancelledBeforeStart() async throws {
        let port = TestEnvironment.closedPort()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await Self.send(Self.configuration(port: port), Fixtures.fullMessage())
        }
        let result = await task.result
        #expect(throws: MailError.self) { try result.get() }
        if case .failure(let error as MailError) = result { #expect(error.code == .cancelled) }
    }
}

/// Bounded waits: a server that accepts and then says nothing.
@Suite("SMTP time-outs and cancellation", .timeLimit(.minutes(1)))
struct SMTPTimeoutTests {
    @Test("a silent server is a temporary timedOut after EMAIL_TIMEOUT")
    func silentServerTimesOut() async throws {
        let server = try await SMTPTestServer(["--silent"])
        defer { server.stop() }
        var configuration = SMTPDeliveryTests.configuration(port: server.port)
        configuration.timeout = .seconds(1)
        let error = await #expect(throws: MailError.self) {
            try await SMTPDeliveryTests.send(configuration, Fixtures.fullMessage())
        }
        #expect(error?.code == .timedOut)
        #expect(error?.isTemporary == true)
    }

    @Test("cancelling the task stops a transfer that is waiting on the server")
    func cancelDuringTransfer() async throws {
        let server = try await SMTPTestServer(["--silent"])
        defer { server.stop() }
        let configuration = SMTPDeliveryTests.configuration(port: server.port)
        let task = Task { try await SMTPDeliveryTests.send(configuration, Fixtures.fullMessage()) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let result = await task.result
        guard case .failure(let error as MailError) = result else {
            Issue.record("expected a MailError, got \(result)")
            return
        }
        #expect(error.code == .cancelled)
    }
}
