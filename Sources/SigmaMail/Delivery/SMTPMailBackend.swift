import Foundation
import Logging

/// Django's SMTP backend, over libcurl: one SMTP session per message.
///
/// The session follows ``MailConfiguration``: `smtps://` for `EMAIL_USE_SSL`, required STARTTLS
/// for `EMAIL_USE_TLS`, AUTH when user and password are set, the bare `From` address as envelope
/// sender and `To` + `Cc` as recipients. A message without recipients is not sent and counts as
/// success, as in Django. When some recipients are refused and others accepted, the message is
/// sent and the refusals are reported (Python's smtplib behaves the same way); when all are
/// refused, the send fails.
///
/// libcurl blocks, so transfers run on the backend's own threads; call ``shutdown()`` to stop
/// them (queued sends finish first; `deinit` also stops them).
public final class SMTPMailBackend: MailBackend {
    /// The settings in use.
    public let configuration: MailConfiguration
    private let logger: Logger
    private let pool: BlockingThreadPool
    private let ehloName: String

    /// Creates the backend and starts its threads.
    /// - Parameters:
    ///   - configuration: Server, TLS, credentials and time-outs.
    ///   - logger: Where sends and failures are logged (never credentials).
    ///   - threads: How many messages may be in transfer at once.
    /// - Throws: ``MailError/Code/invalidConfiguration``.
    public init(configuration: MailConfiguration, logger: Logger, threads: Int = 2) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        self.pool = BlockingThreadPool(name: "sigma-mail-smtp", threads: threads)
        self.ehloName = configuration.localHostname ?? MailHost.name()
    }

    deinit { pool.shutdown() }

    /// Stops the transfer threads after the queued sends.
    public func shutdown() { pool.shutdown() }

    /// Composes and sends the message.
    public func send(_ message: MailMessage) async throws -> MailDeliveryReport {
        let rendered = try message.rendered(messageIDDomain: ehloName)
        return try await send(rendered)
    }

    /// Sends an already composed message (the exact bytes go to the server).
    /// - Parameter rendered: The message and its envelope.
    /// - Throws: ``MailError``.
    public func send(_ rendered: RenderedMail) async throws -> MailDeliveryReport {
        var logger = self.logger
        logger[metadataKey: "mail.message_id"] = "\(rendered.messageID)"
        logger[metadataKey: "mail.smtp.server"] = "\(configuration.host):\(configuration.port)"
        let recipients = rendered.envelopeRecipients.filter { !$0.isEmpty }
        guard !recipients.isEmpty else {
            logger.info("mail has no recipients; nothing sent")
            return MailDeliveryReport(messageID: rendered.messageID, delivered: false, recipients: [])
        }
        let envelope = RenderedMail(
            bytes: rendered.bytes, messageID: rendered.messageID, envelopeSender: rendered.envelopeSender,
            envelopeRecipients: recipients
        )
        let context = SMTPTransferContext()
        let configuration = self.configuration
        let ehloName = self.ehloName
        let start = ContinuousClock.now
        do {
            try Task.checkCancellation()
            let refused = try await withTaskCancellationHandler {
                try await pool.run {
                    try SMTPTransfer(configuration: configuration, ehloName: ehloName, context: context).send(envelope)
                }
            } onCancel: {
                context.cancel()
            }
            logger.info(
                "mail sent",
                metadata: [
                    "mail.recipients": "\(recipients.count)", "mail.refused_recipients": "\(refused.count)",
                    "mail.bytes": "\(rendered.bytes.count)", "mail.duration": "\(ContinuousClock.now - start)",
                ]
            )
            return MailDeliveryReport(
                messageID: rendered.messageID, delivered: true, recipients: recipients, refusedRecipients: refused
            )
        } catch is CancellationError {
            throw MailError(.cancelled, "the send was cancelled before it started")
        } catch let error as MailError {
            logger.warning(
                "mail not sent",
                metadata: [
                    "mail.error.code": "\(error.code)",
                    "mail.error.reply_code": "\(error.replyCode.map(String.init) ?? "-")",
                    "mail.error.temporary": "\(error.isTemporary)", "mail.error": "\(error.message)",
                ]
            )
            throw error
        }
    }
}
