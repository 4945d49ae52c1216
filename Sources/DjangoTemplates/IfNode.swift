/// `{% if %}` … `{% elif %}` … `{% else %}` … `{% endif %}`, with Django's `smartif` operators
/// and precedence: `or` < `and` < `not` < `in`, `not in`, `is`, `is not`, `==`, `!=`, `>`, `>=`,
/// `<`, `<=`.
final class IfNode: Node {
    let branches: [(condition: Condition?, body: NodeList)]

    init(branches: [(condition: Condition?, body: NodeList)]) { self.branches = branches }

    /// A parsed condition.
    indirect enum Condition: Sendable {
        case operand(FilterExpression)
        case not(Condition)
        case binary(String, Condition, Condition)

        func evaluate(_ context: RenderContext, template: String, line: Int) -> TemplateValue? {
            switch self {
            case .operand(let expression):
                return try? Evaluator.resolve(
                    expression, context, template: template, line: line, ignoringFailures: true)
            case .not(let inner):
                return .bool(!(inner.evaluate(context, template: template, line: line)?.isTrue ?? false))
            case .binary(let op, let left, let right):
                switch op {
                case "or":
                    let value = left.evaluate(context, template: template, line: line)
                    if value?.isTrue == true { return value }
                    return right.evaluate(context, template: template, line: line)
                case "and":
                    let value = left.evaluate(context, template: template, line: line)
                    if value?.isTrue != true { return value }
                    return right.evaluate(context, template: template, line: line)
                default:
                    guard let a = left.evaluate(context, template: template, line: line),
                        let b = right.evaluate(context, template: template, line: line)
                    else { return .bool(false) }
                    return .bool(Self.compare(op, a, b) ?? false)
                }
            }
        }

        /// A comparison; nil where Python raises (Django counts it false).
        static func compare(_ op: String, _ a: TemplateValue, _ b: TemplateValue) -> Bool? {
            switch op {
            case "==": return a.pythonEquals(b)
            case "!=": return !a.pythonEquals(b)
            case "<": return a.pythonLess(b)
            case ">": return b.pythonLess(a)
            case "<=": return a.pythonLess(b).map { $0 || a.pythonEquals(b) }
            case ">=": return b.pythonLess(a).map { $0 || a.pythonEquals(b) }
            case "in": return contains(b, a)
            case "not in": return contains(b, a).map { !$0 }
            case "is": return identical(a, b)
            case "is not": return !identical(a, b)
            default: return nil
            }
        }

        static func contains(_ container: TemplateValue, _ item: TemplateValue) -> Bool? {
            switch container {
            case .list(let items): return items.contains { $0.pythonEquals(item) }
            case .dictionary(let entries):
                guard case .string(let key, _) = item else { return false }
                return entries.contains { $0.key == key }
            case .string(let text, _):
                guard case .string(let part, _) = item else { return nil }
                return part.isEmpty || text.contains(part)
            default: return nil
            }
        }

        /// Python's `is` for what templates can hold: None, True and False are singletons.
        static func identical(_ a: TemplateValue, _ b: TemplateValue) -> Bool {
            switch (a, b) {
            case (.none, .none): return true
            case (.bool(let x), .bool(let y)): return x == y
            default: return false
            }
        }
    }

    func render(_ context: RenderContext, into output: inout String) throws {
        for branch in branches {
            if let condition = branch.condition {
                guard condition.evaluate(context, template: "", line: 0)?.isTrue == true else { continue }
            }
            try branch.body.render(context, into: &output)
            return
        }
    }

    static func parse(_ parser: inout Parser, _ token: Lexer.Token) throws(TemplateSyntaxError) -> IfNode {
        var branches: [(Condition?, NodeList)] = []
        var condition: Condition? = try parseCondition(Array(token.words.dropFirst()), &parser, token)
        var opening = token
        while true {
            let (body, ending) = try parser.parse(until: ["elif", "else", "endif"], opening: opening)
            branches.append((condition, body))
            guard let ending else { break }
            let command = ending.words.first ?? ""
            if command == "endif" { break }
            if command == "elif" {
                condition = try parseCondition(Array(ending.words.dropFirst()), &parser, ending)
                opening = ending
                continue
            }
            let (rest, closing) = try parser.parse(until: ["endif"], opening: ending)
            branches.append((nil, rest))
            _ = closing
            break
        }
        return IfNode(branches: branches)
    }

    // MARK: smartif (a Pratt parser over the tag's words)

    private static let binding: [String: Int] = [
        "or": 6, "and": 7, "not": 8, "in": 9, "not in": 9, "is": 10, "is not": 10,
        "==": 10, "!=": 10, ">": 10, ">=": 10, "<": 10, "<=": 10,
    ]

    static func parseCondition(_ words: [String], _ parser: inout Parser, _ token: Lexer.Token)
        throws(TemplateSyntaxError) -> Condition
    {
        // Merge "not in" and "is not" into single operators, as smartif does.
        var items: [String] = []
        var index = 0
        while index < words.count {
            let word = words[index]
            if word == "is", index + 1 < words.count, words[index + 1] == "not" {
                items.append("is not")
                index += 2
            } else if word == "not", index + 1 < words.count, words[index + 1] == "in" {
                items.append("not in")
                index += 2
            } else {
                items.append(word)
                index += 1
            }
        }
        var state = SmartIf(items: items, parser: parser, token: token)
        if items.isEmpty { throw parser.error("Unexpected end of expression in if tag.") }
        let condition = try state.expression(0)
        if state.position < items.count {
            throw parser.error("Unused '\(items[state.position])' at end of if expression.")
        }
        return condition
    }

    private struct SmartIf {
        let items: [String]
        let parser: Parser
        let token: Lexer.Token
        var position = 0

        mutating func expression(_ rightBinding: Int) throws(TemplateSyntaxError) -> Condition {
            var left = try prefix()
            while position < items.count, let power = IfNode.binding[items[position]], power > rightBinding {
                let op = items[position]
                position += 1
                guard position < items.count else {
                    throw parser.error("Unexpected end of expression in if tag.")
                }
                let right = try expression(power)
                left = .binary(op, left, right)
            }
            return left
        }

        mutating func prefix() throws(TemplateSyntaxError) -> Condition {
            guard position < items.count else { throw parser.error("Unexpected end of expression in if tag.") }
            let item = items[position]
            position += 1
            if item == "not" {
                guard position < items.count else { throw parser.error("Unexpected end of expression in if tag.") }
                return .not(try expression(IfNode.binding["not"]!))
            }
            if IfNode.binding[item] != nil {
                throw parser.error("Not expecting '\(item)' in this position in if tag.")
            }
            return .operand(try parser.expression(item, token))
        }
    }
}
