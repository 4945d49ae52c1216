/// A mail failure: what went wrong, whether retrying may help, and what the server said.
///
/// The description never contains credentials: it is built only from the code, our own message,
/// the SMTP reply code and the server's reply text.
public struct MailError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is. Extensible: new codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// A setting is missing or malformed (`EMAIL_PORT=abc`, TLS and SSL both on, …).
        public static let invalidConfiguration = Code("invalidConfiguration")
        /// A header value or address contains CR, LF or NUL (header injection).
        public static let headerInjection = Code("headerInjection")
        /// An address is not `local@domain` or contains characters we cannot send.
        public static let invalidAddress = Code("invalidAddress")
        /// The message itself cannot be composed (bad Content-ID, bad content type, …).
        public static let invalidMessage = Code("invalidMessage")
        /// No TCP connection to the server (refused, unreachable, DNS failure).
        public static let connectionFailed = Code("connectionFailed")
        /// The connection, a reply or the whole transaction took too long.
        public static let timedOut = Code("timedOut")
        /// TLS could not be set up (handshake failure, STARTTLS refused).
        public static let tlsFailed = Code("tlsFailed")
        /// The server's certificate is not trusted or does not match the host name.
        public static let certificateRejected = Code("certificateRejected")
        /// The server rejected the credentials (535) or AUTH could not be completed.
        public static let authenticationFailed = Code("authenticationFailed")
        /// The server refused the envelope sender (MAIL FROM).
        public static let senderRefused = Code("senderRefused")
        /// The server refused every recipient (RCPT TO).
        public static let recipientsRefused = Code("recipientsRefused")
        /// The server refused the message data (DATA or the reply after it).
        public static let messageRefused = Code("messageRefused")
        /// The conversation broke (connection dropped, unexpected reply).
        public static let protocolError = Code("protocolError")
        /// Writing a message file (file backend) or to the console failed.
        public static let writeFailed = Code("writeFailed")
        /// The sending task was cancelled while the transfer ran.
        public static let cancelled = Code("cancelled")
        /// The mail subsystem was shut down before the message could be sent.
        public static let shutDown = Code("shutDown")

        /// The code's name, e.g. `recipientsRefused`.
        public var description: String { name }
    }

    /// The kind of failure.
    public var code: Code
    /// A human explanation written by us (never the password).
    public var message: String
    /// The SMTP reply code when the server answered (e.g. 535, 550, 451).
    public var replyCode: Int?
    /// The server's reply text for `replyCode`, when known.
    public var serverText: String?
    /// The libcurl result code behind an SMTP failure, when there was one.
    public var curlCode: Int?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - message: A human explanation; must not contain secrets.
    ///   - replyCode: The SMTP reply code, when known.
    ///   - serverText: The server's reply text, when known.
    ///   - curlCode: The libcurl result code, when there was one.
    public init(
        _ code: Code, _ message: String, replyCode: Int? = nil, serverText: String? = nil, curlCode: Int? = nil
    ) {
        self.code = code
        self.message = message
        self.replyCode = replyCode
        self.serverText = serverText
        self.curlCode = curlCode
    }

    /// `true` when trying again later may succeed: connection failures, time-outs, dropped
    /// conversations and every 4xx reply. `false` for 5xx replies, authentication failures with a
    /// 5xx (or no) reply code, TLS set-up failures and untrusted certificates (settings problems
    /// a retry will not fix), and malformed messages or settings.
    public var isTemporary: Bool {
        if let replyCode {
            if (400..<500).contains(replyCode) { return true }
            if (500..<600).contains(replyCode) { return false }
        }
        switch code {
        case .connectionFailed, .timedOut, .protocolError, .cancelled, .shutDown, .writeFailed:
            return true
        default:
            return false
        }
    }

    public var description: String {
        var text = "MailError.\(code): \(message)"
        if let replyCode {
            text += " (SMTP \(replyCode)" + (serverText.map { ": \($0)" } ?? "") + ")"
        } else if let serverText {
            text += " (server: \(serverText))"
        }
        if let curlCode { text += " [curl \(curlCode)]" }
        text += isTemporary ? " — temporary" : " — permanent"
        return text
    }
}
