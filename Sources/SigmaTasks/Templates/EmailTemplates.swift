import DjangoTemplates
import Foundation

/// Renders the three e-mail bodies with the Django template engine: the deployment's own
/// `servicio_tecnico/emails/*.html`, found as Django's loaders find them (`DIRS`, then each
/// installed app's `templates/`), parsed once and again only when the file changes; or, per file,
/// the built-in template when the deployment has none of that name.
///
/// A deployment template that fails to parse or render (a syntax error, a missing
/// `{% include %}` or `{% extends %}` target) is an ``EmailTemplateError``, never a fallback.
public final class EmailTemplates: Sendable {
    /// The deployment's template search.
    public let search: DirectoryTemplateLoader
    /// Django's settings for the deployment's templates (`TIME_ZONE`, `USE_TZ`, …).
    public let settings: TemplateSettings
    private let builtIns: InMemoryTemplateLoader

    /// Creates the renderer.
    ///
    /// - Parameters:
    ///   - search: where the deployment's templates are looked for.
    ///   - settings: Django's settings as the deployment has them (SIGMA: UTC, `USE_TZ`, es-mx).
    public init(search: DirectoryTemplateLoader, settings: TemplateSettings = TemplateSettings()) {
        self.search = search
        self.settings = settings
        self.builtIns = InMemoryTemplateLoader(BuiltInTemplates.all)
    }

    /// The built-in source of an e-mail's template (to start a deployment template from).
    public static func builtInSource(_ email: EmailTemplate) -> String? { BuiltInTemplates.all[email.name] }

    /// Renders an e-mail's body.
    ///
    /// - Parameters:
    ///   - email: which e-mail.
    ///   - countryTimeZone: the order's country zone, the built-in templates' clock.
    ///   - values: the context for a way of rendering (the deployment's, with Django's clock, or
    ///     the built-in one, with the country's).
    /// - Returns: the HTML, where it came from and how long the render took.
    /// - Throws: ``EmailTemplateError`` when the template cannot be loaded or rendered.
    public func render(
        _ email: EmailTemplate, countryTimeZone: String, values: (EmailRendering) throws -> [String: TemplateValue]
    ) throws -> RenderedEmailBody {
        let started = ContinuousClock.now
        do {
            let template: Template
            let rendering: EmailRendering
            if let found = try search.template(named: email.name) {
                template = found
                rendering = EmailRendering(
                    source: .deployment(path: search.path(for: email.name) ?? email.name), settings: settings,
                    serverTimeZone: settings.useTZ ? "UTC" : settings.timeZone)
            } else {
                guard let builtIn = try builtIns.template(named: email.name) else {
                    throw TemplateSyntaxError(template: email.name, line: 1, "TemplateDoesNotExist: \(email.name)")
                }
                template = builtIn
                var local = settings
                local.timeZone = countryTimeZone
                local.useTZ = true
                rendering = EmailRendering(
                    source: .builtIn(name: email.name), settings: local, serverTimeZone: countryTimeZone)
            }
            let html = try template.render(try values(rendering), settings: rendering.settings)
            return RenderedEmailBody(html: html, source: rendering.source, duration: ContinuousClock.now - started)
        } catch let error as TemplateSyntaxError {
            throw EmailTemplateError(error)
        }
    }
}

/// One of the e-mails the SIGMA tasks send.
public enum EmailTemplate: String, Sendable, CaseIterable {
    case rhitso = "rhitso_envio.html"
    case diagnostico = "diagnostico_cliente.html"
    case imagenes = "imagenes_cliente.html"

    /// The name SIGMA's tasks pass to `render_to_string`.
    public var name: String { "servicio_tecnico/emails/" + rawValue }
}

/// How a body is being rendered: where its template came from, Django's settings for it, and
/// the zone of the task's "now" strings.
public struct EmailRendering: Sendable {
    /// Where the template came from.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        /// A file of the deployment.
        case deployment(path: String)
        /// The worker's own template.
        case builtIn(name: String)

        public var description: String {
            switch self {
            case .deployment(let path): path
            case .builtIn(let name): "the built-in \(name) (no such file under the template folders)"
            }
        }
    }

    public var source: Source
    /// The settings the template renders with (`|date` uses `timeZone`).
    public var settings: TemplateSettings
    /// The zone of `timezone.now().strftime(…)` in the task: UTC under `USE_TZ` (SIGMA), the
    /// country's zone for the built-in templates.
    public var serverTimeZone: String

    /// Whether the deployment's own template is used (every value as the Python worker shows it).
    public var isDeployment: Bool {
        if case .deployment = source { return true }
        return false
    }
}

/// A rendered body.
public struct RenderedEmailBody: Sendable {
    public var html: String
    public var source: EmailRendering.Source
    public var duration: Duration
}
