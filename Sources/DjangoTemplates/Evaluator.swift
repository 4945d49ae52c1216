/// Resolving expressions and showing values, as Django's `FilterExpression.resolve` and
/// `render_value_in_context`.
enum Evaluator {
    /// The operand's value, or nil when a lookup fails (Django's `VariableDoesNotExist`).
    static func value(of operand: FilterExpression.Operand, _ context: RenderContext) -> TemplateValue? {
        switch operand {
        case .literal(let value):
            return value
        case .lookup(let bits):
            guard var current = context[bits[0]] else { return nil }
            for bit in bits.dropFirst() {
                guard let next = current.lookup(bit) else { return nil }
                current = next
            }
            return current
        }
    }

    /// An expression's value with its filters applied. A failed lookup is `""` (Django's
    /// `string_if_invalid`), or None when `ignoringFailures` (as `{% if %}` resolves).
    static func resolve(
        _ expression: FilterExpression, _ context: RenderContext, template: String, line: Int,
        ignoringFailures: Bool = false
    ) throws -> TemplateValue {
        var value = value(of: expression.operand, context) ?? (ignoringFailures ? .none : .text(""))
        for filter in expression.filters {
            let argument = filter.argument.map { self.value(of: $0, context) ?? .text("") }
            do {
                value = try FilterLibrary.run(
                    filter.definition,
                    .init(value: value, argument: argument, autoescape: context.autoescape, settings: context.settings))
            } catch let error as TemplateSyntaxError {
                throw error
            } catch {
                throw TemplateSyntaxError(template: template, line: line, "\(filter.name): \(error)")
            }
        }
        return value
    }

    /// The values of `name=expression` bindings, as a scope.
    static func scope(
        _ bindings: [(String, FilterExpression)], _ context: RenderContext, template: String, line: Int
    ) throws -> [String: TemplateValue] {
        var scope: [String: TemplateValue] = [:]
        for (name, expression) in bindings {
            scope[name] = try resolve(expression, context, template: template, line: line)
        }
        return scope
    }

    /// What `{{ value }}` writes: localized, then escaped unless safe or autoescape is off.
    static func display(_ value: TemplateValue, _ context: RenderContext) -> String {
        let shown = Localization.localize(value, context.settings)
        if context.autoescape { return HTML.conditionalEscape(shown).pythonString }
        return shown.pythonString
    }
}
