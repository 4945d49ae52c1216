/// Django's parser: tokens into nodes, block tags with their end tags, and Django's errors for
/// an unknown tag, an unclosed block or a stray end tag.
struct Parser {
    private var tokens: [Lexer.Token]
    private var position = 0
    let template: String
    /// Tag libraries loaded with `{% load %}` (only `static` exists here).
    private var loaded: Set<String> = []
    /// Every `{% block %}` of the template, in order.
    private(set) var blocks: [BlockNode] = []
    private var blockNames: Set<String> = []
    /// Whether a node other than text was parsed (`{% extends %}` must come first).
    private var sawTag = false

    init(tokens: [Lexer.Token], template: String) {
        self.tokens = tokens
        self.template = template
    }

    /// The last token read, for messages.
    private(set) var current = Lexer.Token(kind: .text, contents: "", line: 1)

    func error(_ message: String, line: Int? = nil) -> TemplateSyntaxError {
        TemplateSyntaxError(template: template, line: line ?? current.line, message)
    }

    /// Parses until one of `endings` (returned, not consumed into a node) or the end.
    mutating func parse(until endings: [String] = [], opening: Lexer.Token? = nil) throws(TemplateSyntaxError)
        -> (NodeList, Lexer.Token?)
    {
        var list = NodeList()
        while position < tokens.count {
            let token = tokens[position]
            position += 1
            current = token
            switch token.kind {
            case .text:
                list.nodes.append(TextNode(token.contents))
            case .comment:
                continue
            case .variable:
                sawTag = true
                guard !token.contents.isEmpty else { throw error("Empty variable tag on line \(token.line)") }
                let expression = try FilterExpression(token.contents, line: token.line, template: template)
                list.nodes.append(VariableNode(expression, template: template, line: token.line))
            case .block:
                guard let command = token.words.first else { throw error("Empty block tag on line \(token.line)") }
                if endings.contains(command) { return (list, token) }
                if command.hasPrefix("end") || ["else", "elif", "empty"].contains(command) {
                    let expected = endings.map { "'\($0)'" }
                    let list =
                        expected.count > 1
                        ? expected.dropLast().joined(separator: ", ") + " or " + expected.last! : expected.first
                    throw error(
                        "Invalid block tag on line \(token.line): '\(command)'"
                            + (list.map { ", expected \($0)" } ?? "") + ". Did you forget to register or load this tag?"
                    )
                }
                let node = try parseTag(command, token)
                if let block = node as? BlockNode { blocks.append(block) }
                sawTag = true
                list.nodes.append(node)
            }
        }
        if let opening, !endings.isEmpty {
            let name = opening.words.first ?? ""
            throw error(
                "Unclosed tag on line \(opening.line): '\(name)'. Looking for one of: \(endings.joined(separator: ", ")).",
                line: opening.line)
        }
        return (list, nil)
    }

    /// Skips to the end tag (`{% comment %}`).
    mutating func skip(until ending: String, opening: Lexer.Token) throws(TemplateSyntaxError) {
        while position < tokens.count {
            let token = tokens[position]
            position += 1
            if token.kind == .block && token.contents == ending { return }
        }
        throw error(
            "Unclosed tag on line \(opening.line): '\(opening.words.first ?? "")'. Looking for one of: \(ending).",
            line: opening.line)
    }

    /// Records a block name. - Returns: false when the template already has a block of that name.
    mutating func declareBlock(_ name: String) -> Bool { blockNames.insert(name).inserted }

    /// A `name=expression` word (`with`, `include … with`); nil when the word is not one.
    func binding(_ word: String, _ token: Lexer.Token) throws(TemplateSyntaxError) -> (String, FilterExpression)? {
        guard let equals = word.firstIndex(of: "="), equals != word.startIndex else { return nil }
        return (String(word[..<equals]), try expression(String(word[word.index(after: equals)...]), token))
    }

    func expression(_ text: String, _ token: Lexer.Token) throws(TemplateSyntaxError) -> FilterExpression {
        try FilterExpression(text, line: token.line, template: template)
    }

    private mutating func parseTag(_ command: String, _ token: Lexer.Token) throws(TemplateSyntaxError) -> any Node {
        let words = token.words
        switch command {
        case "if": return try IfNode.parse(&self, token)
        case "for": return try ForNode.parse(&self, token)
        case "with": return try WithNode.parse(&self, token)
        case "comment":
            try skip(until: "endcomment", opening: token)
            return TextNode("")
        case "autoescape":
            guard words.count == 2 else { throw error("'autoescape' tag requires exactly one argument.") }
            guard words[1] == "on" || words[1] == "off" else {
                throw error("'autoescape' argument should be 'on' or 'off'")
            }
            let (body, _) = try parse(until: ["endautoescape"], opening: token)
            return AutoescapeNode(on: words[1] == "on", body: body)
        case "spaceless":
            let (body, _) = try parse(until: ["endspaceless"], opening: token)
            return SpacelessNode(body: body)
        case "verbatim":
            let (body, _) = try parse(until: ["end" + token.contents], opening: token)
            return SpacelessNode(body: body, strip: false)
        case "firstof":
            guard words.count > 1 else { throw error("'firstof' statement requires at least one argument") }
            var variables = Array(words.dropFirst())
            var name: String?
            if variables.count >= 2, variables[variables.count - 2] == "as" {
                name = variables.last
                variables.removeLast(2)
            }
            return FirstOfNode(
                expressions: try variables.map { (text) throws(TemplateSyntaxError) in try expression(text, token) },
                name: name)
        case "cycle": return try CycleNode.parse(&self, token)
        case "block": return try BlockNode.parse(&self, token)
        case "include": return try IncludeNode.parse(&self, token)
        case "extends":
            guard words.count == 2 else { throw error("'extends' takes one argument") }
            guard !sawTag else { throw error("'extends' must be the first tag in the template.") }
            let parent = try expression(words[1], token)
            sawTag = true
            let (rest, _) = try parse()
            if rest.nodes.contains(where: { $0 is ExtendsNode }) {
                throw error("'extends' cannot appear more than once in the same template")
            }
            return ExtendsNode(parent: parent, blocks: blocks, template: template, line: token.line)
        case "now":
            guard words.count == 2 || (words.count == 4 && words[2] == "as") else {
                throw error("'now' statement takes one argument")
            }
            return NowNode(
                format: FilterExpression.unescapeStringLiteral(words[1]), name: words.count == 4 ? words[3] : nil)
        case "templatetag":
            let names = [
                "openblock": "{%", "closeblock": "%}", "openvariable": "{{", "closevariable": "}}",
                "openbrace": "{", "closebrace": "}", "opencomment": "{#", "closecomment": "#}",
            ]
            guard words.count == 2, let text = names[words[1]] else {
                throw error(
                    words.count == 2
                        ? "Invalid templatetag argument: '\(words[1])'. Must be one of: \(names.keys.sorted().joined(separator: ", "))"
                        : "'templatetag' statement takes one argument")
            }
            return TextNode(text)
        case "load":
            for library in words.dropFirst() where library != "from" {
                guard library == "static" else {
                    throw error(
                        "'\(library)' is not a registered tag library. Must be one of:\nstatic")
                }
                loaded.insert(library)
            }
            return TextNode("")
        case "static":
            guard loaded.contains("static") else { throw unknownTag(command, token) }
            guard words.count >= 2 else { throw error("'static' takes at least one argument (path to file)") }
            var name: String?
            if words.count == 4, words[2] == "as" { name = words[3] }
            return StaticNode(path: try expression(words[1], token), name: name)
        default:
            throw unknownTag(command, token)
        }
    }

    private func unknownTag(_ command: String, _ token: Lexer.Token) -> TemplateSyntaxError {
        error("Invalid block tag on line \(token.line): '\(command)'. Did you forget to register or load this tag?")
    }
}
