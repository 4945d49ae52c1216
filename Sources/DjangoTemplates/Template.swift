/// A Django template, parsed once: render it with a context as `Template(…).render(Context(…))`
/// does under Django's `DjangoTemplates` backend (autoescape on, `string_if_invalid` empty).
public final class Template: Sendable {
    /// The name in messages (a path under the search folders, or `<string>`).
    public let name: String
    let nodes: NodeList
    /// Every `{% block %}` in it (the root of an `{% extends %}` chain offers them all).
    let blocks: [BlockNode]
    /// Where its `{% include %}` and `{% extends %}` targets come from.
    let loader: (any TemplateLoader)?

    /// Parses the source; a template Django would refuse throws its `TemplateSyntaxError`.
    public init(source: String, name: String = "<string>", loader: (any TemplateLoader)? = nil)
        throws(TemplateSyntaxError)
    {
        self.name = name
        self.loader = loader
        var parser = Parser(tokens: Lexer.tokenize(source), template: name)
        nodes = try parser.parse().0
        blocks = parser.blocks
    }

    /// Renders with these values.
    public func render(_ values: [String: TemplateValue], settings: TemplateSettings = TemplateSettings()) throws
        -> String
    {
        let context = RenderContext(values, settings: settings, loader: loader)
        return try nodes.rendered(context)
    }
}
