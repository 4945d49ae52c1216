import BlockingExecutor
import Logging

extension MailConfiguration {
    /// The backend ``backend`` names, configured from these settings.
    ///
    /// The SMTP backend owns a thread for libcurl; call ``SMTPMailBackend/shutdown()`` when done
    /// (it also stops when released).
    /// - Parameters:
    ///   - logger: Where backends log (never credentials).
    ///   - executor: The worker's blocking executor for SMTP transfers (threads of the backend's own when nil).
    /// - Throws: ``MailError/Code/invalidConfiguration``.
    public func makeBackend(logger: Logger, executor: BlockingExecutor? = nil) throws -> any MailBackend {
        try validate()
        switch backend {
        case .smtp: return try SMTPMailBackend(configuration: self, logger: logger, executor: executor)
        case .file: return try FileMailBackend(directory: filePath ?? "", messageIDDomain: localHostname)
        case .console: return ConsoleMailBackend(messageIDDomain: localHostname)
        case .locmem: return MemoryMailBackend(messageIDDomain: localHostname)
        case .dummy: return DummyMailBackend()
        }
    }
}
