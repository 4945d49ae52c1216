import CCurl
import CCurlShim

/// One blocking SMTP session through libcurl. Runs on a ``BlockingExecutor`` thread.
struct SMTPTransfer {
    let configuration: MailConfiguration
    let ehloName: String
    let context: SMTPTransferContext

    /// Sends `mail` and returns the recipients refused individually.
    func send(_ mail: RenderedMail) throws -> [MailDeliveryReport.RefusedRecipient] {
        let easy = try CurlEasy()
        let recipients = try CurlStringList(mail.envelopeRecipients.map { "<\($0)>" })
        try configure(easy, sender: mail.envelopeSender, recipients: recipients)

        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        try CurlEasy.check(
            sw_curl_setopt_ptr(easy.handle, CURLOPT_ERRORBUFFER, errorBuffer), option: CURLOPT_ERRORBUFFER)

        let contextPointer = Unmanaged.passUnretained(context).toOpaque()
        try CurlEasy.check(
            sw_curl_set_debug_callback(easy.handle, smtpDebugCallback, contextPointer), option: CURLOPT_DEBUGFUNCTION
        )
        try CurlEasy.check(
            sw_curl_set_xferinfo_callback(easy.handle, smtpProgressCallback, contextPointer),
            option: CURLOPT_XFERINFOFUNCTION
        )

        let result: CURLcode = try mail.bytes.withUnsafeBufferPointer { bytes in
            var upload = sw_curl_upload_buffer(
                data: UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self),
                length: bytes.count, position: 0
            )
            return try withUnsafeMutablePointer(to: &upload) { pointer in
                try CurlEasy.check(sw_curl_set_upload_buffer(easy.handle, pointer), option: CURLOPT_READFUNCTION)
                return curl_easy_perform(easy.handle)
            }
        }
        withExtendedLifetime(recipients) {}
        guard result == CURLE_OK else {
            throw classify(
                result, responseCode: easy.info(CURLINFO_RESPONSE_CODE), detail: String(cString: errorBuffer))
        }
        return context.refusedRecipients
    }

    private func configure(_ easy: CurlEasy, sender: String, recipients: CurlStringList) throws {
        let c = configuration
        let scheme = c.useSSL ? "smtps" : "smtp"
        let host = c.host.contains(":") && !c.host.hasPrefix("[") ? "[\(c.host)]" : c.host
        try easy.set(CURLOPT_URL, "\(scheme)://\(host):\(c.port)/\(Self.percentEncoded(ehloName))")
        try easy.set(CURLOPT_NOSIGNAL, 1)
        if c.useTLS { try easy.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)) }
        if c.usesAuthentication {
            try easy.set(CURLOPT_USERNAME, c.username)
            try easy.set(CURLOPT_PASSWORD, c.password)
        }
        if !c.sslVerify {
            try easy.set(CURLOPT_SSL_VERIFYPEER, 0)
            try easy.set(CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let file = c.sslCAFile { try easy.set(CURLOPT_CAINFO, file) }
        if let file = c.sslCertFile { try easy.set(CURLOPT_SSLCERT, file) }
        if let file = c.sslKeyFile { try easy.set(CURLOPT_SSLKEY, file) }

        let operation = Self.milliseconds(c.operationTimeout)
        let total = Self.milliseconds(c.totalTimeout)
        let operationSeconds = max(1, (operation + 999) / 1000)
        try easy.set(CURLOPT_CONNECTTIMEOUT_MS, min(operation, total))
        try easy.set(CURLOPT_TIMEOUT_MS, total)
        try easy.set(CURLOPT_SERVER_RESPONSE_TIMEOUT, operationSeconds)
        try easy.set(CURLOPT_LOW_SPEED_LIMIT, 1)
        try easy.set(CURLOPT_LOW_SPEED_TIME, operationSeconds)

        try easy.set(CURLOPT_MAIL_FROM, "<\(sender)>")
        try easy.set(CURLOPT_MAIL_RCPT, recipients)
        try CurlEasy.check(sw_curl_set_mail_rcpt_allowfails(easy.handle, 1), option: CURLOPT_MAIL_RCPT)
    }

    /// Maps a failed transfer to a ``MailError``: the SMTP reply decides temporary/permanent when
    /// the server refused something; otherwise the libcurl code does.
    private func classify(_ result: CURLcode, responseCode: Int, detail: String) -> MailError {
        let server = "\(configuration.host):\(configuration.port)"
        let curlText = CurlEasy.describe(result) + (detail.isEmpty ? "" : " (\(detail))")
        let curlCode = Int(result.rawValue)
        let failure = context.lastFailure

        func refusal(_ code: MailError.Code, _ what: String) -> MailError {
            let replyCode = failure?.reply.code ?? (responseCode >= 400 ? responseCode : nil)
            return MailError(
                code, "SMTP server \(server) \(what): \(curlText)", replyCode: replyCode,
                serverText: failure?.reply.text, curlCode: curlCode
            )
        }

        switch result {
        case CURLE_ABORTED_BY_CALLBACK where context.isCancelled:
            return MailError(.cancelled, "the send to \(server) was cancelled", curlCode: curlCode)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_PROXY:
            return MailError(
                .connectionFailed, "could not connect to SMTP server \(server): \(curlText)", curlCode: curlCode)
        case CURLE_OPERATION_TIMEDOUT:
            return MailError(.timedOut, "SMTP server \(server) timed out: \(curlText)", curlCode: curlCode)
        case CURLE_LOGIN_DENIED, CURLE_AUTH_ERROR:
            return refusal(.authenticationFailed, "rejected the credentials")
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM, CURLE_SSL_ISSUER_ERROR:
            return MailError(
                .certificateRejected, "TLS certificate problem with SMTP server \(server): \(curlText)",
                curlCode: curlCode
            )
        case CURLE_SSL_CONNECT_ERROR, CURLE_USE_SSL_FAILED:
            return MailError(
                .tlsFailed, "TLS could not be set up with SMTP server \(server): \(curlText)", curlCode: curlCode)
        default:
            break
        }
        if let failure {
            switch failure.command {
            case .recipient: return refusal(.recipientsRefused, "refused all recipients")
            case .mailFrom: return refusal(.senderRefused, "refused the sender")
            case .data: return refusal(.messageRefused, "refused the message")
            case .greeting: return refusal(.connectionFailed, "refused the connection")
            case .other: return refusal(.protocolError, "refused a command")
            }
        }
        return MailError(.protocolError, "SMTP session with \(server) failed: \(curlText)", curlCode: curlCode)
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }

    private static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + Hex.byte(byte)
            }
        }
        return out
    }
}

/// libcurl debug callback: feeds protocol lines to the ``SMTPTransferContext``. Only server lines
/// (`HEADER_IN`) and the first bytes of client commands (`HEADER_OUT`) are looked at.
private let smtpDebugCallback: sw_curl_debug_callback = { _, type, data, size, context in
    guard let data, let context else { return 0 }
    let transfer = Unmanaged<SMTPTransferContext>.fromOpaque(context).takeUnretainedValue()
    switch type {
    case CURLINFO_HEADER_IN:
        let bytes = UnsafeRawBufferPointer(start: data, count: size)
        String(decoding: bytes, as: UTF8.self).split(separator: "\n").forEach { transfer.serverLine(String($0)) }
    case CURLINFO_HEADER_OUT:
        let bytes = UnsafeRawBufferPointer(start: data, count: min(size, 300))
        transfer.clientLine(String(decoding: bytes, as: UTF8.self))
    default:
        break
    }
    return 0
}

/// libcurl progress callback: aborts the transfer once the send was cancelled.
private let smtpProgressCallback: sw_curl_xferinfo_callback = { context, _, _, _, _ in
    guard let context else { return 0 }
    return Unmanaged<SMTPTransferContext>.fromOpaque(context).takeUnretainedValue().isCancelled ? 1 : 0
}
