extension MailConfiguration {
    /// Reads the configuration from an environment (the caller merges the process environment
    /// over the project's `.env`). Missing or empty keys keep the default, except `EMAIL_HOST_USER`
    /// and `EMAIL_HOST_PASSWORD` whose empty value is meaningful.
    ///
    /// | Key | Type | Default |
    /// |---|---|---|
    /// | `EMAIL_BACKEND` | Django backend path (smtp, filebased, console, locmem, dummy) | `django.core.mail.backends.smtp.EmailBackend` |
    /// | `EMAIL_HOST` | string | `smtp.gmail.com` |
    /// | `EMAIL_PORT` | integer 1–65535 | `587` |
    /// | `EMAIL_USE_TLS` | bool | `True` (STARTTLS, required) |
    /// | `EMAIL_USE_SSL` | bool | `False` (implicit TLS; exclusive with `EMAIL_USE_TLS`) |
    /// | `EMAIL_HOST_USER` | string | empty (no AUTH) |
    /// | `EMAIL_HOST_PASSWORD` | string, secret | empty |
    /// | `EMAIL_TIMEOUT` | seconds, decimal | unset → 60 s per connect / reply / stall |
    /// | `SIGMA_EMAIL_TOTAL_TIMEOUT` | seconds, decimal | `280` for a whole SMTP transaction |
    /// | `EMAIL_SSL_CAFILE` | path to PEM CA bundle | unset → system trust store |
    /// | `EMAIL_SSL_VERIFY` | bool | `True`; `False` accepts any certificate (tests only) |
    /// | `EMAIL_SSL_CERTFILE` | path to PEM client certificate | unset |
    /// | `EMAIL_SSL_KEYFILE` | path to PEM client key | unset |
    /// | `EMAIL_FILE_PATH` | directory | unset (required by the file backend) |
    /// | `EMAIL_LOCAL_HOSTNAME` | EHLO / Message-ID domain | the machine's host name |
    /// | `DEFAULT_FROM_EMAIL` | `Name <addr>` or `addr` | `Score Card System <noreply@example.com>` |
    ///
    /// Booleans follow python-decouple: `y yes t true on 1` / `n no f false off 0`, any case;
    /// empty is false. The backend may also be given by its short name (`smtp`, `file`, …).
    /// - Parameter environment: Variable names to values.
    /// - Throws: ``MailError/Code/invalidConfiguration`` naming the key (never a secret value).
    public init(environment: [String: String]) throws {
        self.init()
        func value(_ key: String) -> String? {
            guard let raw = environment[key]?.trimmingWhitespace(), !raw.isEmpty else { return nil }
            return raw
        }
        if let name = value("EMAIL_BACKEND") {
            guard let backend = Self.backend(named: name) else {
                throw MailError(.invalidConfiguration, "EMAIL_BACKEND \"\(name)\" is not a known Django mail backend")
            }
            self.backend = backend
        }
        if let host = value("EMAIL_HOST") { self.host = host }
        if let port = value("EMAIL_PORT") {
            guard let number = Int(port) else {
                throw MailError(.invalidConfiguration, "EMAIL_PORT \"\(port)\" is not an integer")
            }
            self.port = number
        }
        if let raw = environment["EMAIL_USE_TLS"] { useTLS = try Self.bool(raw, key: "EMAIL_USE_TLS") }
        if let raw = environment["EMAIL_USE_SSL"] { useSSL = try Self.bool(raw, key: "EMAIL_USE_SSL") }
        if let raw = environment["EMAIL_SSL_VERIFY"] { sslVerify = try Self.bool(raw, key: "EMAIL_SSL_VERIFY") }
        username = environment["EMAIL_HOST_USER"]?.trimmingWhitespace() ?? ""
        password = environment["EMAIL_HOST_PASSWORD"] ?? ""
        if let raw = value("EMAIL_TIMEOUT") { timeout = try Self.seconds(raw, key: "EMAIL_TIMEOUT") }
        if let raw = value("SIGMA_EMAIL_TOTAL_TIMEOUT") {
            totalTimeout = try Self.seconds(raw, key: "SIGMA_EMAIL_TOTAL_TIMEOUT")
        }
        sslCAFile = value("EMAIL_SSL_CAFILE")
        sslCertFile = value("EMAIL_SSL_CERTFILE")
        sslKeyFile = value("EMAIL_SSL_KEYFILE")
        filePath = value("EMAIL_FILE_PATH")
        localHostname = value("EMAIL_LOCAL_HOSTNAME")
        if let from = value("DEFAULT_FROM_EMAIL") { defaultFromEmail = from }
        try validate()
    }

    /// The backend for a Django path or a short name (`smtp`, `file`/`filebased`, `console`,
    /// `locmem`, `dummy`), `nil` when unknown.
    /// - Parameter name: The `EMAIL_BACKEND` value.
    public static func backend(named name: String) -> Backend? {
        if let backend = Backend(rawValue: name) { return backend }
        switch name.lowercased() {
        case "smtp": return .smtp
        case "file", "filebased": return .file
        case "console": return .console
        case "locmem", "memory": return .locmem
        case "dummy": return .dummy
        default: return nil
        }
    }

    static func bool(_ raw: String, key: String) throws -> Bool {
        switch raw.trimmingWhitespace().lowercased() {
        case "y", "yes", "t", "true", "on", "1": return true
        case "n", "no", "f", "false", "off", "0", "": return false
        default: throw MailError(.invalidConfiguration, "\(key) \"\(raw)\" is not a boolean")
        }
    }

    private static func seconds(_ raw: String, key: String) throws -> Duration {
        guard let value = Double(raw), value > 0, value.isFinite else {
            throw MailError(.invalidConfiguration, "\(key) \"\(raw)\" is not a positive number of seconds")
        }
        return .milliseconds(Int64((value * 1000).rounded()))
    }
}
