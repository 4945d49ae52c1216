import Testing

@testable import SigmaMail

@Suite("MailConfiguration from Django settings names")
struct ConfigurationTests {
    @Test("defaults are SIGMA's settings")
    func defaults() throws {
        let configuration = try MailConfiguration(environment: [:])
        #expect(configuration.backend == .smtp)
        #expect(configuration.host == "smtp.gmail.com")
        #expect(configuration.port == 587)
        #expect(configuration.useTLS)
        #expect(!configuration.useSSL)
        #expect(configuration.username.isEmpty && !configuration.usesAuthentication)
        #expect(configuration.timeout == nil)
        #expect(configuration.operationTimeout == .seconds(60))
        #expect(configuration.totalTimeout == .seconds(280))
        #expect(configuration.sslVerify)
        #expect(configuration.defaultFromAddress == "noreply@example.com")
    }

    @Test("every key is read")
    func allKeys() throws {
        let configuration = try MailConfiguration(environment: [
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend", "EMAIL_HOST": "mail.example.com",
            "EMAIL_PORT": "465", "EMAIL_USE_TLS": "False", "EMAIL_USE_SSL": "yes", "EMAIL_HOST_USER": "u",
            "EMAIL_HOST_PASSWORD": "p", "EMAIL_TIMEOUT": "2.5", "SIGMA_EMAIL_TOTAL_TIMEOUT": "100",
            "EMAIL_SSL_CAFILE": "/ca.pem", "EMAIL_SSL_VERIFY": "off", "EMAIL_SSL_CERTFILE": "/c.pem",
            "EMAIL_SSL_KEYFILE": "/k.pem", "EMAIL_FILE_PATH": "/tmp/mail", "EMAIL_LOCAL_HOSTNAME": "worker.example.com",
            "DEFAULT_FROM_EMAIL": "SIC <sistema@sic.example>",
        ])
        #expect(configuration.backend == .file)
        #expect(configuration.host == "mail.example.com")
        #expect(configuration.port == 465)
        #expect(!configuration.useTLS && configuration.useSSL)
        #expect(configuration.usesAuthentication)
        #expect(configuration.timeout == .milliseconds(2500))
        #expect(configuration.totalTimeout == .seconds(100))
        #expect(configuration.sslCAFile == "/ca.pem" && !configuration.sslVerify)
        #expect(configuration.sslCertFile == "/c.pem" && configuration.sslKeyFile == "/k.pem")
        #expect(configuration.filePath == "/tmp/mail")
        #expect(configuration.localHostname == "worker.example.com")
        #expect(configuration.defaultFromAddress == "sistema@sic.example")
    }

    @Test(
        "booleans follow python-decouple",
        arguments: [
            ("y", true), ("YES", true), ("t", true), ("True", true), ("on", true), ("1", true),
            ("n", false), ("No", false), ("f", false), ("FALSE", false), ("off", false), ("0", false), ("", false),
        ])
    func booleans(raw: String, expected: Bool) throws {
        #expect(try MailConfiguration.bool(raw, key: "EMAIL_USE_TLS") == expected)
    }

    @Test(
        "bad values are invalidConfiguration errors that name the key",
        arguments: [
            ["EMAIL_PORT": "abc"], ["EMAIL_USE_TLS": "maybe"], ["EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"],
            ["EMAIL_TIMEOUT": "-1"], ["EMAIL_BACKEND": "myapp.backends.Custom"], ["EMAIL_PORT": "70000"],
            ["EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"],
        ])
    func invalid(environment: [String: String]) {
        let error = #expect(throws: MailError.self) { try MailConfiguration(environment: environment) }
        #expect(error?.code == .invalidConfiguration)
    }

    @Test("backend short names and Django paths")
    func backendNames() {
        for backend in MailConfiguration.Backend.allCases {
            #expect(MailConfiguration.backend(named: backend.rawValue) == backend)
        }
        #expect(MailConfiguration.backend(named: "console") == .console)
        #expect(MailConfiguration.backend(named: "locmem") == .locmem)
    }

    @Test("the description never shows the password")
    func redacted() throws {
        let configuration = try MailConfiguration(environment: [
            "EMAIL_HOST_USER": "u", "EMAIL_HOST_PASSWORD": "hunter2",
        ])
        #expect(!configuration.description.contains("hunter2"))
        #expect(!String(reflecting: configuration).contains("hunter2"))
        #expect(configuration.description.contains("<redacted>"))
    }
}
