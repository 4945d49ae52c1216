/// `{% for x in items %}` (also `reversed`, and unpacking `for key, value in pairs`) with
/// `{% empty %}` and Django's `forloop` (`counter`, `counter0`, `revcounter`, `revcounter0`,
/// `first`, `last`, `parentloop`).
final class ForNode: Node {
    let names: [String]
    let sequence: FilterExpression
    let reversed: Bool
    let body: NodeList
    let empty: NodeList?
    let template: String
    let line: Int

    init(
        names: [String], sequence: FilterExpression, reversed: Bool, body: NodeList, empty: NodeList?, template: String,
        line: Int
    ) {
        self.names = names
        self.sequence = sequence
        self.reversed = reversed
        self.body = body
        self.empty = empty
        self.template = template
        self.line = line
    }

    func render(_ context: RenderContext, into output: inout String) throws {
        let value = try Evaluator.resolve(sequence, context, template: template, line: line, ignoringFailures: true)
        var items: [TemplateValue]
        switch value {
        case .list(let list): items = list
        case .dictionary(let entries): items = entries.map { .text($0.key) }
        case .string(let text, _): items = text.map { .text(String($0)) }
        default: items = []
        }
        if items.isEmpty {
            try empty?.render(context, into: &output)
            return
        }
        if reversed { items.reverse() }
        let parent = context["forloop"] ?? .dictionary([])
        let count = items.count
        for (index, item) in items.enumerated() {
            var scope: [String: TemplateValue] = [
                "forloop": .dictionary([
                    ("counter0", .int(index)), ("counter", .int(index + 1)),
                    ("revcounter", .int(count - index)), ("revcounter0", .int(count - index - 1)),
                    ("first", .bool(index == 0)), ("last", .bool(index == count - 1)), ("parentloop", parent),
                ])
            ]
            if names.count == 1 {
                scope[names[0]] = item
            } else {
                guard case .list(let parts) = item, parts.count == names.count else {
                    throw TemplateSyntaxError(
                        template: template, line: line,
                        "Need \(names.count) values to unpack in for loop; got \(item.unpackCount ?? 1). ")
                }
                for (name, part) in zip(names, parts) { scope[name] = part }
            }
            try context.with(scope) { try body.render(context, into: &output) }
        }
    }

    static func parse(_ parser: inout Parser, _ token: Lexer.Token) throws(TemplateSyntaxError) -> ForNode {
        var words = Array(token.words.dropFirst())
        guard words.count >= 3 else {
            throw parser.error("'for' statements should have at least four words: \(token.contents)")
        }
        let reversed = words.last == "reversed"
        if reversed { words.removeLast() }
        guard words.count >= 3, words[words.count - 2] == "in" else {
            throw parser.error("'for' statements should use the format 'for x in y': \(token.contents)")
        }
        let sequence = try parser.expression(words[words.count - 1], token)
        let names = words.dropLast(2).joined(separator: " ").split(separator: ",").map {
            String($0).trimmingWhitespace()
        }
        for name in names where name.isEmpty || name.contains(" ") {
            throw parser.error("'for' tag received an invalid argument: \(token.contents)")
        }
        let (body, ending) = try parser.parse(until: ["empty", "endfor"], opening: token)
        var empty: NodeList?
        if let ending, ending.contents == "empty" {
            empty = try parser.parse(until: ["endfor"], opening: token).0
        }
        return ForNode(
            names: names, sequence: sequence, reversed: reversed, body: body, empty: empty, template: parser.template,
            line: token.line)
    }
}

extension TemplateValue {
    var unpackCount: Int? {
        if case .list(let items) = self { return items.count }
        return nil
    }
}
