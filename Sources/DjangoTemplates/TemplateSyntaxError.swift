/// A template Django would refuse, or a render that fails: Django's message, with the template
/// and the line it is on.
public struct TemplateSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The template's name (its path under the search folders, or `<string>`).
    public var template: String
    /// The 1-based line.
    public var line: Int
    /// Django's message.
    public var message: String

    public init(template: String, line: Int, _ message: String) {
        self.template = template
        self.line = line
        self.message = message
    }

    public var description: String { "TemplateSyntaxError: \(message) (\(template), line \(line))" }
}
