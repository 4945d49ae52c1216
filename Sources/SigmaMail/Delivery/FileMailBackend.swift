import Foundation

/// Django's file backend, one message a file: `<EMAIL_FILE_PATH>/YYYYMMDD-HHMMSS-<random>.eml`
/// holding the exact message bytes (Django appends messages to a `.log`; `.eml` files open in
/// any mail client).
public struct FileMailBackend: MailBackend {
    /// The directory the files go to; created when missing.
    public let directory: String
    private let messageIDDomain: String?

    /// Creates the backend, creating `directory` when needed.
    /// - Parameters:
    ///   - directory: Where to write (`EMAIL_FILE_PATH`).
    ///   - messageIDDomain: Domain for generated `Message-ID`s; `nil` uses the host name.
    /// - Throws: ``MailError/Code/invalidConfiguration`` when the path exists and is not a
    ///   directory or cannot be created.
    public init(directory: String, messageIDDomain: String? = nil) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw MailError(.invalidConfiguration, "EMAIL_FILE_PATH \(directory) exists and is not a directory")
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw MailError(.invalidConfiguration, "EMAIL_FILE_PATH \(directory) could not be created: \(error)")
            }
        }
        self.directory = directory
        self.messageIDDomain = messageIDDomain
    }

    /// Writes the message to a new `.eml` file (even without recipients, as Django does).
    public func send(_ message: MailMessage) async throws -> MailDeliveryReport {
        let now = Date()
        let rendered = try message.rendered(date: now, messageIDDomain: messageIDDomain)
        let name = "\(now.fileStampUTC)-\(MailMessage.randomHex(bytes: 8)).eml"
        let path = (directory as NSString).appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: path, contents: Data(rendered.bytes)) else {
            throw MailError(.writeFailed, "could not write \(path)")
        }
        return MailDeliveryReport(
            messageID: rendered.messageID, delivered: true, recipients: rendered.envelopeRecipients)
    }
}
