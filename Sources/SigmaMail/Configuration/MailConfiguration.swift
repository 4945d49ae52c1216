/// Mail settings, named and defaulted as SIGMA's Django settings name them (sigma-tasks.md §2.2).
///
/// `description` never shows the password.
public struct MailConfiguration: Sendable, Equatable, CustomStringConvertible {
    /// Which Django e-mail backend to imitate.
    public enum Backend: String, Sendable, CaseIterable {
        /// `django.core.mail.backends.smtp.EmailBackend`: deliver over SMTP (libcurl).
        case smtp = "django.core.mail.backends.smtp.EmailBackend"
        /// `django.core.mail.backends.filebased.EmailBackend`: one `.eml` file per message.
        case file = "django.core.mail.backends.filebased.EmailBackend"
        /// `django.core.mail.backends.console.EmailBackend`: print messages to standard output.
        case console = "django.core.mail.backends.console.EmailBackend"
        /// `django.core.mail.backends.locmem.EmailBackend`: keep messages in memory.
        case locmem = "django.core.mail.backends.locmem.EmailBackend"
        /// `django.core.mail.backends.dummy.EmailBackend`: discard messages.
        case dummy = "django.core.mail.backends.dummy.EmailBackend"
    }

    /// The backend (`EMAIL_BACKEND`).
    public var backend: Backend
    /// SMTP server host (`EMAIL_HOST`).
    public var host: String
    /// SMTP server port (`EMAIL_PORT`).
    public var port: Int
    /// STARTTLS after EHLO, required (`EMAIL_USE_TLS`).
    public var useTLS: Bool
    /// Implicit TLS from the first byte, `smtps://` (`EMAIL_USE_SSL`).
    public var useSSL: Bool
    /// SMTP AUTH user (`EMAIL_HOST_USER`); AUTH happens only when user and password are both set.
    public var username: String
    /// SMTP AUTH password (`EMAIL_HOST_PASSWORD`). Never logged or shown.
    public var password: String
    /// Limit for connecting, for each server reply and for a stalled upload (`EMAIL_TIMEOUT`,
    /// like Django's socket timeout). `nil` (Django's default) means ``defaultOperationTimeout``.
    public var timeout: Duration?
    /// Limit for a whole SMTP transaction (`SIGMA_EMAIL_TOTAL_TIMEOUT`), below the task's 300 s
    /// soft time limit so a hung server becomes a classified, retryable error.
    public var totalTimeout: Duration
    /// A PEM file of certificate authorities to trust (`EMAIL_SSL_CAFILE`); `nil` uses the system's.
    public var sslCAFile: String?
    /// Verify the server certificate and host name (`EMAIL_SSL_VERIFY`). Turn off only for tests.
    public var sslVerify: Bool
    /// Client certificate, PEM (`EMAIL_SSL_CERTFILE`).
    public var sslCertFile: String?
    /// Client certificate key, PEM (`EMAIL_SSL_KEYFILE`).
    public var sslKeyFile: String?
    /// Directory for the file backend (`EMAIL_FILE_PATH`).
    public var filePath: String?
    /// The default sender (`DEFAULT_FROM_EMAIL`).
    public var defaultFromEmail: String
    /// The name sent in `EHLO` and used in generated `Message-ID`s (`EMAIL_LOCAL_HOSTNAME`);
    /// `nil` uses the machine's host name.
    public var localHostname: String?

    /// Used when ``timeout`` is `nil`: 60 seconds.
    public static let defaultOperationTimeout: Duration = .seconds(60)

    /// Creates a configuration; every default is SIGMA's (§2.2) or Django's.
    public init(
        backend: Backend = .smtp,
        host: String = "smtp.gmail.com",
        port: Int = 587,
        useTLS: Bool = true,
        useSSL: Bool = false,
        username: String = "",
        password: String = "",
        timeout: Duration? = nil,
        totalTimeout: Duration = .seconds(280),
        sslCAFile: String? = nil,
        sslVerify: Bool = true,
        sslCertFile: String? = nil,
        sslKeyFile: String? = nil,
        filePath: String? = nil,
        defaultFromEmail: String = "Score Card System <noreply@example.com>",
        localHostname: String? = nil
    ) {
        self.backend = backend
        self.host = host
        self.port = port
        self.useTLS = useTLS
        self.useSSL = useSSL
        self.username = username
        self.password = password
        self.timeout = timeout
        self.totalTimeout = totalTimeout
        self.sslCAFile = sslCAFile
        self.sslVerify = sslVerify
        self.sslCertFile = sslCertFile
        self.sslKeyFile = sslKeyFile
        self.filePath = filePath
        self.defaultFromEmail = defaultFromEmail
        self.localHostname = localHostname
    }

    /// ``timeout`` or ``defaultOperationTimeout``.
    public var operationTimeout: Duration { timeout ?? Self.defaultOperationTimeout }

    /// `true` when SMTP AUTH will be attempted (user and password both non-empty, as Django).
    public var usesAuthentication: Bool { !username.isEmpty && !password.isEmpty }

    /// The bare sender address from ``defaultFromEmail`` (`Name <addr>` → `addr`).
    public var defaultFromAddress: String { MailAddress.bareAddress(ofDjangoSetting: defaultFromEmail) }

    /// Throws ``MailError/Code/invalidConfiguration`` for contradictory or unusable settings.
    public func validate() throws {
        if useTLS && useSSL {
            throw MailError(.invalidConfiguration, "EMAIL_USE_TLS and EMAIL_USE_SSL are mutually exclusive")
        }
        if backend == .smtp {
            if host.isEmpty { throw MailError(.invalidConfiguration, "EMAIL_HOST is empty") }
            if !(1...65535).contains(port) {
                throw MailError(.invalidConfiguration, "EMAIL_PORT \(port) is out of range")
            }
            try HeaderField.requireSingleLine(host, field: "EMAIL_HOST")
        }
        if backend == .file, (filePath ?? "").isEmpty {
            throw MailError(.invalidConfiguration, "EMAIL_FILE_PATH is required by the file backend")
        }
    }

    public var description: String {
        "MailConfiguration(backend: \(backend.rawValue), host: \(host), port: \(port), useTLS: \(useTLS), "
            + "useSSL: \(useSSL), username: \(username.isEmpty ? "-" : username), "
            + "password: \(password.isEmpty ? "-" : "<redacted>"), timeout: \(operationTimeout), "
            + "totalTimeout: \(totalTimeout), sslVerify: \(sslVerify), filePath: \(filePath ?? "-"))"
    }
}
