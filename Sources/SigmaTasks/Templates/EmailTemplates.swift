import Foundation
import Stencil

/// Renders the e-mail bodies with Stencil: the built-in templates, each replaceable by a file of
/// the same name in an override folder (read at every render, so edits apply without restart).
public struct EmailTemplates: Sendable {
    /// The override folder, if any.
    public var overrideDirectory: String?

    /// Creates a renderer.
    ///
    /// - Parameter overrideDirectory: a folder whose `*.html` files replace built-in templates.
    public init(overrideDirectory: String? = nil) {
        self.overrideDirectory = overrideDirectory
    }

    /// The names of the built-in templates.
    public static var builtInNames: [String] { BuiltInTemplates.all.keys.sorted() }

    /// The source of a built-in template (for copying into an override folder).
    ///
    /// - Parameter name: e.g. `diagnostico_cliente.html`.
    public static func builtInSource(_ name: String) -> String? { BuiltInTemplates.all[name] }

    /// Renders a template.
    ///
    /// - Parameters:
    ///   - name: the template name, e.g. `rhitso_envio.html`.
    ///   - context: the values; strings must already be HTML-escaped.
    /// - Returns: the HTML.
    public func render(_ name: String, context: [String: Any]) throws -> String {
        let environment = Environment(loader: OverridingLoader(directory: overrideDirectory))
        return try environment.renderTemplate(name: name, context: context)
    }
}

/// Loads from the override folder first, then from the built-in templates.
private final class OverridingLoader: Loader {
    let directory: String?

    init(directory: String?) {
        self.directory = directory
    }

    func loadTemplate(name: String, environment: Environment) throws -> Template {
        if let directory, !name.contains(".."), !name.hasPrefix("/") {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            if let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) {
                return environment.templateClass.init(templateString: text, environment: environment, name: name)
            }
        }
        guard let source = BuiltInTemplates.all[name] else {
            throw TemplateDoesNotExist(templateNames: [name], loader: self)
        }
        return environment.templateClass.init(templateString: source, environment: environment, name: name)
    }
}
