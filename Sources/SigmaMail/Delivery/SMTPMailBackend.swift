import BlockingExecutor
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
/// libcurl blocks, so transfers run on a ``BlockingExecutor``: the worker's shared one, or
/// threads of the backend's own, which ``shutdown()`` stops (queued sends finish first).
public final class SMTPMailBackend: MailBackend {
    /// The settings in use.
    public let configuration: MailConfiguration
    private let logger: Logger
    private let pool: BlockingExecutor
    private let ownsPool: Bool
    private let ehloName: String

    /// Creates the backend and starts its threads.
    /// - Parameters:
    ///   - configuration: Server, TLS, credentials and time-outs.
    ///   - logger: Where sends and failures are logged (never credentials).
    ///   - threads: How many messages may be in transfer at once (threads of its own).
    ///   - executor: The worker's blocking executor; when given, transfers run there instead.
    /// - Throws: ``MailError/Code/invalidConfiguration``.
    public init(
        configuration: MailConfiguration, logger: Logger, threads: Int = 2, executor: BlockingExecutor? = nil
    ) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        self.ownsPool = executor == nil
        self.pool = executor ?? BlockingExecutor(name: "sigma-mail-smtp", threads: threads)
        self.ehloName = configuration.localHostname ?? MailHost.name()
    }

    deinit { if ownsPool { pool.shutdown() } }

    /// Stops the backend's own transfer threads after the queued sends (a shared executor is
    /// stopped by its owner).
    public func shutdown() { if ownsPool { pool.shutdown() } }

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
        } catch is BlockingExecutor.ShutDown {
            throw MailError(.shutDown, "the mail threads have been shut down")
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
