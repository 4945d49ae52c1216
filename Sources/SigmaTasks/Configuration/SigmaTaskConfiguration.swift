import DjangoTemplates
import Foundation

/// Where the SIGMA tasks find their files and how they retry.
public struct SigmaTaskConfiguration: Sendable {
    /// Django's `BASE_DIR`.
    public var baseDirectory: String
    /// `PRIMARY_MEDIA_ROOT`: first storage root for uploaded images.
    public var primaryMediaRoot: String
    /// `ALTERNATE_MEDIA_ROOT`: second storage root, searched when the primary lacks a file.
    public var alternateMediaRoot: String
    /// Folder for temporary files (Django's `MEDIA_ROOT/temp`).
    public var temporaryRoot: String
    /// `STATIC_ROOT`, searched first for the PDFs' images.
    public var staticRoot: String
    /// `STATICFILES_DIRS`, searched in order for every static image.
    public var staticDirectories: [String]
    /// The folders searched for the deployment's e-mail templates, in order (Django's `DIRS`,
    /// then each installed app's `templates/`).
    public var templateFolders: [String]
    /// Django's settings the templates render with (`TIME_ZONE`, `USE_TZ`, `LANGUAGE_CODE`,
    /// `STATIC_URL`).
    public var templateSettings: TemplateSettings
    /// Seconds before a failed task runs again (SIGMA: 60).
    public var retryCountdown: Double
    /// Retries after the first run (SIGMA: 3).
    public var maxRetries: Int
    /// Dedicated threads for PDF, image and file work.
    public var blockingThreads: Int

    /// Creates a configuration; every path defaults under `baseDirectory` as Django's settings do.
    ///
    /// - Parameters:
    ///   - baseDirectory: Django's `BASE_DIR`.
    ///   - primaryMediaRoot: defaults to `BASE_DIR/media`.
    ///   - alternateMediaRoot: defaults to `BASE_DIR/media`.
    ///   - temporaryRoot: defaults to `BASE_DIR/media/temp`.
    ///   - staticRoot: defaults to `BASE_DIR/staticfiles`.
    ///   - staticDirectories: defaults to `[BASE_DIR/static]`.
    ///   - templateFolders: defaults to `BASE_DIR/templates`, then `BASE_DIR/<app>/templates` for
    ///     SIGMA's `INSTALLED_APPS`.
    ///   - templateSettings: defaults to SIGMA's settings (UTC, `USE_TZ`, es-mx, `/static/`).
    ///   - retryCountdown: seconds before a retry, default 60.
    ///   - maxRetries: retries after the first run, default 3.
    ///   - blockingThreads: threads for CPU and file work, default 2.
    public init(
        baseDirectory: String, primaryMediaRoot: String? = nil, alternateMediaRoot: String? = nil,
        temporaryRoot: String? = nil, staticRoot: String? = nil, staticDirectories: [String]? = nil,
        templateFolders: [String]? = nil, templateSettings: TemplateSettings = TemplateSettings(),
        retryCountdown: Double = 60, maxRetries: Int = 3, blockingThreads: Int = 2
    ) {
        let base = URL(fileURLWithPath: baseDirectory)
        self.baseDirectory = baseDirectory
        self.primaryMediaRoot = primaryMediaRoot ?? base.appendingPathComponent("media").path
        self.alternateMediaRoot = alternateMediaRoot ?? base.appendingPathComponent("media").path
        self.temporaryRoot = temporaryRoot ?? base.appendingPathComponent("media/temp").path
        self.staticRoot = staticRoot ?? base.appendingPathComponent("staticfiles").path
        self.staticDirectories = staticDirectories ?? [base.appendingPathComponent("static").path]
        self.templateFolders =
            templateFolders
            ?? DirectoryTemplateLoader(
                baseDirectory: baseDirectory, installedApps: DirectoryTemplateLoader.sigmaInstalledApps
            ).folders
        self.templateSettings = templateSettings
        self.retryCountdown = retryCountdown
        self.maxRetries = maxRetries
        self.blockingThreads = max(1, blockingThreads)
    }
}
