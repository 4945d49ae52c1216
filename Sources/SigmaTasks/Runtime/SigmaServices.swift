import BlockingExecutor
import DjangoTemplates
import Foundation
import Logging
import SigmaDatabase
import SigmaMail

/// What the SIGMA tasks share in one worker process: settings, the country databases, the mail
/// backend, the templates and the threads for blocking work.
public final class SigmaServices: Sendable {
    /// File locations and retry policy.
    public let configuration: SigmaTaskConfiguration
    /// The variables the services were built from (country settings such as `EMPRESA_NOMBRE_AR`).
    public let environment: [String: String]
    /// The country databases.
    public let databases: DatabaseRouter
    /// Mail settings (`DEFAULT_FROM_EMAIL`, backend).
    public let mailConfiguration: MailConfiguration
    /// Where e-mails go.
    public let mail: any MailBackend
    /// The e-mail templates.
    public let templates: EmailTemplates
    let media: MediaStorage
    let assets: StaticAssets
    /// The threads every blocking call of the tasks runs on (PDF, photos, files, SMTP); a
    /// `Service` for the worker's group.
    public let executor: BlockingExecutor

    /// Builds the services from the environment (`.env` merged in).
    ///
    /// - Parameters:
    ///   - environment: Django's settings as variables (`SIGMA_BASE_DIR`, `DB_*`, `EMAIL_*`, …).
    ///   - logger: the worker's logger.
    /// - Throws: a configuration error naming the bad key.
    public convenience init(environment: [String: String], logger: Logger) throws {
        let configuration = try SigmaTaskConfiguration(environment: environment)
        var databaseEnvironment = environment
        databaseEnvironment["SIGMA_BASE_DIR"] = configuration.baseDirectory
        let mailConfiguration = try MailConfiguration(environment: environment)
        let executor = Self.makeExecutor(configuration)
        try self.init(
            configuration: configuration, environment: environment,
            databases: DatabaseRouter(
                configuration: try DatabaseConfiguration(environment: databaseEnvironment), logger: logger),
            mailConfiguration: mailConfiguration,
            mail: try mailConfiguration.makeBackend(logger: logger, executor: executor), executor: executor
        )
    }

    /// Builds the services from parts (tests inject a mail backend this way).
    ///
    /// - Parameters:
    ///   - configuration: file locations and retry policy.
    ///   - environment: the variables, for country settings.
    ///   - databases: the country databases.
    ///   - mailConfiguration: mail settings.
    ///   - mail: the backend e-mails go to.
    ///   - executor: the blocking threads (new ones when nil).
    public init(
        configuration: SigmaTaskConfiguration, environment: [String: String] = [:], databases: DatabaseRouter,
        mailConfiguration: MailConfiguration, mail: any MailBackend, executor: BlockingExecutor? = nil
    ) throws {
        self.configuration = configuration
        self.environment = environment
        self.databases = databases
        self.mailConfiguration = mailConfiguration
        self.mail = mail
        self.templates = EmailTemplates(
            search: DirectoryTemplateLoader(folders: configuration.templateFolders),
            settings: configuration.templateSettings)
        self.media = MediaStorage(
            primaryRoot: configuration.primaryMediaRoot, alternateRoot: configuration.alternateMediaRoot)
        self.assets = StaticAssets(
            staticRoot: configuration.staticRoot, staticDirectories: configuration.staticDirectories)
        self.executor = executor ?? Self.makeExecutor(configuration)
    }

    /// The tasks' blocking threads: `blockingThreads` for PDF, photo and file work, plus two for SMTP.
    static func makeExecutor(_ configuration: SigmaTaskConfiguration) -> BlockingExecutor {
        BlockingExecutor(name: "sigma-blocking", threads: configuration.blockingThreads + 2)
    }

    /// The bare sender address of `DEFAULT_FROM_EMAIL` (§7.1).
    var fromAddress: String { MailAddress.bareAddress(ofDjangoSetting: mailConfiguration.defaultFromEmail) }

    /// Closes the database pools and stops the threads.
    public func shutdown() async {
        await databases.shutdown()
        executor.shutdown()
    }
}
