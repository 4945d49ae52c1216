#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Django's console backend: each message, then a line of 79 `-`, on standard output.
public struct ConsoleMailBackend: MailBackend {
    private let write: @Sendable ([UInt8]) -> Void
    private let messageIDDomain: String?

    /// Creates the backend.
    /// - Parameters:
    ///   - messageIDDomain: Domain for generated `Message-ID`s; `nil` uses the host name.
    ///   - write: Receives the output; defaults to standard output.
    public init(messageIDDomain: String? = nil, write: (@Sendable ([UInt8]) -> Void)? = nil) {
        self.messageIDDomain = messageIDDomain
        self.write =
            write ?? { bytes in
                writeToStandardOutput(bytes)
            }
    }

    /// Writes the message (even without recipients, as Django does).
    public func send(_ message: MailMessage) async throws -> MailDeliveryReport {
        let rendered = try message.rendered(messageIDDomain: messageIDDomain)
        write(rendered.bytes + Array(("\n" + String(repeating: "-", count: 79) + "\n").utf8))
        return MailDeliveryReport(
            messageID: rendered.messageID, delivered: true, recipients: rendered.envelopeRecipients)
    }
}

/// Writes all of `bytes` to file descriptor 1, retrying short writes.
private func writeToStandardOutput(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { buffer in
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let written = write(STDOUT_FILENO, base + offset, buffer.count - offset)
            if written <= 0 { break }
            offset += written
        }
    }
}
