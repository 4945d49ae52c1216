/// What a render sees: the variable scopes (innermost last), autoescaping, the settings that
/// change output, and the state of `{% cycle %}` and `forloop`.
final class RenderContext {
    private var scopes: [[String: TemplateValue]]
    var autoescape = true
    let settings: TemplateSettings
    /// `{% cycle %}` positions, per cycle node.
    var cycles: [ObjectIdentifier: Int] = [:]
    /// Blocks of the `{% extends %}` chain by name: least derived first, most derived last.
    var blocks: [String: [BlockNode]] = [:]
    /// Where `{% include %}` and `{% extends %}` find templates.
    let loader: (any TemplateLoader)?

    init(_ values: [String: TemplateValue], settings: TemplateSettings, loader: (any TemplateLoader)?) {
        scopes = [values]
        self.settings = settings
        self.loader = loader
    }

    subscript(name: String) -> TemplateValue? {
        for scope in scopes.reversed() {
            if let value = scope[name] { return value }
        }
        return nil
    }

    /// Runs `body` with one more scope on top.
    func with<T>(_ values: [String: TemplateValue], _ body: () throws -> T) rethrows -> T {
        scopes.append(values)
        defer { scopes.removeLast() }
        return try body()
    }

    /// Sets a name in the innermost scope.
    func set(_ name: String, _ value: TemplateValue) { scopes[scopes.count - 1][name] = value }

    /// Only these values (an `{% include … only %}`).
    func isolated<T>(_ values: [String: TemplateValue], _ body: () throws -> T) rethrows -> T {
        let saved = scopes
        scopes = [values]
        defer { scopes = saved }
        return try body()
    }
}
