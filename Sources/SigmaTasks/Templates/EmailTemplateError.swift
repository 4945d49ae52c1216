import CeleryWire
import CeleryWorker
import DjangoTemplates

/// A template that could not be loaded or rendered, stored as Django's exception would be
/// (`django.template.exceptions.TemplateSyntaxError`, or `TemplateDoesNotExist` for a missing
/// `{% include %}`/`{% extends %}` target), with the template's name and line in the message.
public struct EmailTemplateError: Error, PythonException, Sendable, CustomStringConvertible {
    /// The engine's error.
    public var underlying: TemplateSyntaxError

    public init(_ underlying: TemplateSyntaxError) { self.underlying = underlying }

    private static let missingPrefix = "TemplateDoesNotExist: "

    /// Django's exception class name.
    public var typeName: String {
        underlying.message.hasPrefix(Self.missingPrefix) ? "TemplateDoesNotExist" : "TemplateSyntaxError"
    }

    /// The message with the template and line.
    public var message: String {
        var text = underlying.message
        if text.hasPrefix(Self.missingPrefix) { text = String(text.dropFirst(Self.missingPrefix.count)) }
        return "\(text) (\(underlying.template), line \(underlying.line))"
    }

    public var exceptionInfo: ExceptionInfo {
        ExceptionInfo(type: typeName, module: "django.template.exceptions", arguments: [.string(message)])
    }

    public var description: String { "\(typeName): \(message)" }
}
