import Foundation

/// `{% with a=b c=d %}` (and the old `{% with b as a %}`).
final class WithNode: Node {
    let bindings: [(String, FilterExpression)]
    let body: NodeList
    let template: String
    let line: Int

    init(bindings: [(String, FilterExpression)], body: NodeList, template: String, line: Int) {
        self.bindings = bindings
        self.body = body
        self.template = template
        self.line = line
    }

    func render(_ context: RenderContext, into output: inout String) throws {
        let scope = try Evaluator.scope(bindings, context, template: template, line: line)
        try context.with(scope) { try body.render(context, into: &output) }
    }

    static func parse(_ parser: inout Parser, _ token: Lexer.Token) throws(TemplateSyntaxError) -> WithNode {
        let words = Array(token.words.dropFirst())
        var bindings: [(String, FilterExpression)] = []
        if words.count == 3, words[1] == "as" {
            bindings = [(words[2], try parser.expression(words[0], token))]
        } else {
            for word in words {
                guard let binding = try parser.binding(word, token) else {
                    throw parser.error("'with' received an invalid token: '\(word)'")
                }
                bindings.append(binding)
            }
        }
        guard !bindings.isEmpty else { throw parser.error("'with' expected at least one variable assignment") }
        let (body, _) = try parser.parse(until: ["endwith"], opening: token)
        return WithNode(bindings: bindings, body: body, template: parser.template, line: token.line)
    }
}

/// `{% autoescape on|off %}`.
final class AutoescapeNode: Node {
    let on: Bool
    let body: NodeList

    init(on: Bool, body: NodeList) {
        self.on = on
        self.body = body
    }

    func render(_ context: RenderContext, into output: inout String) throws {
        let saved = context.autoescape
        context.autoescape = on
        defer { context.autoescape = saved }
        try body.render(context, into: &output)
    }
}

/// `{% spaceless %}` (whitespace between tags removed), or `{% verbatim %}` (`strip: false`).
final class SpacelessNode: Node {
    let body: NodeList
    let strip: Bool

    init(body: NodeList, strip: Bool = true) {
        self.body = body
        self.strip = strip
    }

    func render(_ context: RenderContext, into output: inout String) throws {
        let inner = try body.rendered(context)
        output += strip ? HTML.spaceless(inner) : inner
    }
}

/// `{% firstof a b "c" %}`: the first true value, escaped as a variable is.
final class FirstOfNode: Node {
    let expressions: [FilterExpression]
    let name: String?

    init(expressions: [FilterExpression], name: String?) {
        self.expressions = expressions
        self.name = name
    }

    func render(_ context: RenderContext, into output: inout String) throws {
        var shown = ""
        for expression in expressions {
            let value = try Evaluator.resolve(expression, context, template: "", line: 0, ignoringFailures: true)
            if value.isTrue {
                shown = Evaluator.display(value, context)
                break
            }
        }
        if let name {
            context.set(name, .string(shown, safe: true))
        } else {
            output += shown
        }
    }
}

/// `{% cycle a b c %}` (also `as name`, `silent`): the next value on each render in a loop.
final class CycleNode: Node {
    let values: [FilterExpression]
    let name: String?
    let silent: Bool

    init(values: [FilterExpression], name: String?, silent: Bool) {
        self.values = values
        self.name = name
        self.silent = silent
    }

    func render(_ context: RenderContext, into output: inout String) throws {
        let key = ObjectIdentifier(self)
        let index = context.cycles[key, default: 0]
        context.cycles[key] = (index + 1) % values.count
        let value = try Evaluator.resolve(values[index], context, template: "", line: 0)
        let shown = Evaluator.display(value, context)
        if let name { context.set(name, value) }
        if !silent { output += shown }
    }

    static func parse(_ parser: inout Parser, _ token: Lexer.Token) throws(TemplateSyntaxError) -> CycleNode {
        var words = Array(token.words.dropFirst())
        guard !words.isEmpty else { throw parser.error("'cycle' tag requires at least two arguments") }
        var silent = false
        var name: String?
        if words.last == "silent", words.count >= 3, words[words.count - 3] == "as" {
            silent = true
            words.removeLast()
        }
        if words.count >= 2, words[words.count - 2] == "as" {
            name = words.last
            words.removeLast(2)
        }
        let values = try words.map { (word) throws(TemplateSyntaxError) in try parser.expression(word, token) }
        guard !values.isEmpty else { throw parser.error("'cycle' tag requires at least two arguments") }
        return CycleNode(values: values, name: name, silent: silent)
    }
}

/// `{% static "path" %}`: `STATIC_URL` joined with the path, URL-quoted as Django's
/// `StaticNode` does (`urllib.parse.quote`, safe `/`, after the storage's own quoting).
final class StaticNode: Node {
    let path: FilterExpression
    let name: String?

    init(path: FilterExpression, name: String?) {
        self.path = path
        self.name = name
    }

    func render(_ context: RenderContext, into output: inout String) throws {
        let value = try Evaluator.resolve(path, context, template: "", line: 0)
        let url = context.settings.staticURL + TextFilters.quote(value.pythonString, safe: "/~!*()'")
        if let name {
            context.set(name, .text(url))
        } else {
            output += context.autoescape ? HTML.escape(url) : url
        }
    }
}

/// `{% now "format" %}` (also `as name`): the current time in `TIME_ZONE`, formatted as the
/// `date` filter does.
final class NowNode: Node {
    let format: String
    let name: String?

    init(format: String, name: String?) {
        self.format = format
        self.name = name
    }

    func render(_ context: RenderContext, into output: inout String) throws {
        let seconds = context.settings.now ?? Date().timeIntervalSince1970
        let value = TemplateValue.dateTime(seconds, naive: !context.settings.useTZ)
        let formats = Translations.formats(context.settings.languageCode)
        let shown =
            DateFormat.format(
                value, DateFilters.namedFormat(format, default: formats.date, context.settings),
                settings: context.settings) ?? ""
        if let name {
            context.set(name, .text(shown))
        } else {
            output += context.autoescape ? HTML.escape(shown) : shown
        }
    }
}
