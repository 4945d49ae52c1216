import Synchronization

/// Finds templates by name for `{% include %}` and `{% extends %}` (Django's loaders).
public protocol TemplateLoader: Sendable {
    /// The parsed template, or nil when no folder has it (Django's `TemplateDoesNotExist`).
    func template(named name: String) throws(TemplateSyntaxError) -> Template?
}

/// Templates held in memory by name (Django's `locmem.Loader`), parsed on first use and kept.
public final class InMemoryTemplateLoader: TemplateLoader {
    private let sources: [String: String]
    private let parsed = Mutex<[String: Template]>([:])

    public init(_ sources: [String: String]) { self.sources = sources }

    public func template(named name: String) throws(TemplateSyntaxError) -> Template? {
        if let cached = parsed.withLock({ $0[name] }) { return cached }
        guard let source = sources[name] else { return nil }
        let template = try Template(source: source, name: name, loader: self)
        parsed.withLock { $0[name] = template }
        return template
    }
}

/// `{% include "name" %}` (also `with a=b`, `only`).
final class IncludeNode: Node {
    let name: FilterExpression
    let bindings: [(String, FilterExpression)]
    let only: Bool
    let template: String
    let line: Int

    init(name: FilterExpression, bindings: [(String, FilterExpression)], only: Bool, template: String, line: Int) {
        self.name = name
        self.bindings = bindings
        self.only = only
        self.template = template
        self.line = line
    }

    func render(_ context: RenderContext, into output: inout String) throws {
        let loaded = try context.template(named: name, from: template, line: line)
        let scope = try Evaluator.scope(bindings, context, template: template, line: line)
        if only {
            try context.isolated(scope) { try loaded.nodes.render(context, into: &output) }
        } else {
            try context.with(scope) { try loaded.nodes.render(context, into: &output) }
        }
    }

    static func parse(_ parser: inout Parser, _ token: Lexer.Token) throws(TemplateSyntaxError) -> IncludeNode {
        let words = Array(token.words.dropFirst())
        guard let first = words.first else {
            throw parser.error("'include' tag takes at least one argument: the name of the template to be included.")
        }
        var bindings: [(String, FilterExpression)] = []
        var only = false
        var index = 1
        while index < words.count {
            switch words[index] {
            case "only": only = true
            case "with":
                index += 1
                while index < words.count, words[index] != "only", let binding = try parser.binding(words[index], token)
                {
                    bindings.append(binding)
                    index += 1
                }
                continue
            default:
                throw parser.error("Unknown argument for 'include' tag: '\(words[index])'.")
            }
            index += 1
        }
        return IncludeNode(
            name: try parser.expression(first, token), bindings: bindings, only: only, template: parser.template,
            line: token.line)
    }
}

/// `{% block name %}` … `{% endblock %}`: the most derived version in an `{% extends %}` chain,
/// with `{{ block.super }}`.
final class BlockNode: Node {
    let name: String
    let body: NodeList

    init(name: String, body: NodeList) {
        self.name = name
        self.body = body
    }

    func render(_ context: RenderContext, into output: inout String) throws {
        guard context.blocks[name] != nil else {
            try context.with(["block": .dictionary([("super", .string("", safe: true))])]) {
                try body.render(context, into: &output)
            }
            return
        }
        output += try renderTop(context)
    }

    /// Renders the most derived block left for this name, its `block.super` the next one.
    private func renderTop(_ context: RenderContext) throws -> String {
        guard var stack = context.blocks[name], let top = stack.popLast() else { return "" }
        context.blocks[name] = stack
        defer { context.blocks[name, default: []].append(top) }
        let parent = stack.isEmpty ? "" : try renderTop(context)
        return try context.with(["block": .dictionary([("super", .string(parent, safe: true))])]) {
            try top.body.rendered(context)
        }
    }

    static func parse(_ parser: inout Parser, _ token: Lexer.Token) throws(TemplateSyntaxError) -> BlockNode {
        let words = token.words
        guard words.count == 2 else { throw parser.error("'block' tag takes only one argument") }
        let name = words[1]
        guard parser.declareBlock(name) else {
            throw parser.error("'block' tag with name '\(name)' appears more than once")
        }
        let (body, ending) = try parser.parse(until: ["endblock"], opening: token)
        if let ending, ending.words.count > 1, ending.words[1] != name {
            throw parser.error(
                "Invalid block tag on line \(ending.line): 'endblock', expected 'endblock'.", line: ending.line)
        }
        return BlockNode(name: name, body: body)
    }
}

/// `{% extends "base" %}`: the parent renders, with this template's blocks in front of its own.
final class ExtendsNode: Node {
    let parent: FilterExpression
    let blocks: [BlockNode]
    let template: String
    let line: Int

    init(parent: FilterExpression, blocks: [BlockNode], template: String, line: Int) {
        self.parent = parent
        self.blocks = blocks
        self.template = template
        self.line = line
    }

    func render(_ context: RenderContext, into output: inout String) throws {
        let loaded = try context.template(named: parent, from: template, line: line)
        for block in blocks { context.blocks[block.name, default: []].insert(block, at: 0) }
        if !(loaded.nodes.firstNonText is ExtendsNode) {
            for block in loaded.blocks { context.blocks[block.name, default: []].insert(block, at: 0) }
        }
        try loaded.nodes.render(context, into: &output)
    }
}

extension RenderContext {
    /// The template an `{% include %}` or `{% extends %}` names, from the loader; Django's
    /// `TemplateDoesNotExist` when none has it.
    func template(named expression: FilterExpression, from template: String, line: Int) throws -> Template {
        let target = try Evaluator.resolve(expression, self, template: template, line: line).pythonString
        guard let loaded = try loader?.template(named: target) else {
            throw TemplateSyntaxError(template: template, line: line, "TemplateDoesNotExist: \(target)")
        }
        return loaded
    }
}
