/// A piece of a parsed template.
protocol Node: AnyObject, Sendable {
    func render(_ context: RenderContext, into output: inout String) throws
}

/// Literal text.
final class TextNode: Node {
    let text: String
    init(_ text: String) { self.text = text }
    func render(_ context: RenderContext, into output: inout String) { output += text }
}

/// `{{ expression }}`: the value, localized and escaped as Django's `render_value_in_context`.
final class VariableNode: Node {
    let expression: FilterExpression
    let template: String
    let line: Int

    init(_ expression: FilterExpression, template: String, line: Int) {
        self.expression = expression
        self.template = template
        self.line = line
    }

    func render(_ context: RenderContext, into output: inout String) throws {
        let value = try Evaluator.resolve(expression, context, template: template, line: line)
        output += Evaluator.display(value, context)
    }
}

/// A list of nodes rendered in order.
struct NodeList: Sendable {
    var nodes: [any Node] = []

    func render(_ context: RenderContext, into output: inout String) throws {
        for node in nodes { try node.render(context, into: &output) }
    }

    /// The first node that is not text (`{% extends %}` must be it).
    var firstNonText: (any Node)? { nodes.first { !($0 is TextNode) } }

    func rendered(_ context: RenderContext) throws -> String {
        var output = ""
        try render(context, into: &output)
        return output
    }
}
