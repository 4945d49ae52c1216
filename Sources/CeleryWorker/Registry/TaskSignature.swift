import CeleryWire
import Foundation

/// A task function's parameter list, bound the way Python binds a call:
/// positional arguments fill parameters in order, keywords by name, then defaults.
public struct TaskSignature: Sendable {
    /// One named parameter.
    public struct Parameter: Sendable {
        public var name: String
        /// nil: required.
        public var defaultValue: JSONValue?

        /// A required parameter.
        public static func required(_ name: String) -> Parameter { Parameter(name: name, defaultValue: nil) }

        /// An optional parameter with its default.
        public static func optional(_ name: String, default value: JSONValue) -> Parameter {
            Parameter(name: name, defaultValue: value)
        }
    }

    /// The Python function name shown in TypeError messages (`add` in `add() missing …`).
    public var functionName: String
    public var parameters: [Parameter]
    /// Accepts extra positional arguments (`*args`).
    public var acceptsExtraPositional: Bool
    /// Accepts extra keyword arguments (`**kwargs`).
    public var acceptsExtraKeywords: Bool

    /// Creates a signature.
    public init(
        functionName: String, parameters: [Parameter] = [], acceptsExtraPositional: Bool = false,
        acceptsExtraKeywords: Bool = false
    ) {
        self.functionName = functionName
        self.parameters = parameters
        self.acceptsExtraPositional = acceptsExtraPositional
        self.acceptsExtraKeywords = acceptsExtraKeywords
    }

    /// Binds a call, or fails with the TypeError Python would raise.
    public func bind(args: [JSONValue], kwargs: JSONObject) throws(TaskFailure) -> TaskArguments {
        var values: [String: JSONValue] = [:]
        let positional = min(args.count, parameters.count)
        for index in 0..<positional { values[parameters[index].name] = args[index] }
        let extraPositional = Array(args.dropFirst(parameters.count))
        if !extraPositional.isEmpty && !acceptsExtraPositional {
            let required = parameters.filter { $0.defaultValue == nil }.count
            let takes =
                required == parameters.count
                ? "\(parameters.count)" : "from \(required) to \(parameters.count)"
            let noun = parameters.count == 1 && required == parameters.count ? "argument" : "arguments"
            let verb = args.count == 1 ? "was" : "were"
            throw Self.typeError("\(functionName)() takes \(takes) positional \(noun) but \(args.count) \(verb) given")
        }
        var extraKeywords = JSONObject()
        for member in kwargs.members {
            if parameters.contains(where: { $0.name == member.key }) {
                if values[member.key] != nil {
                    throw Self.typeError("\(functionName)() got multiple values for argument '\(member.key)'")
                }
                values[member.key] = member.value
            } else if acceptsExtraKeywords {
                extraKeywords[member.key] = member.value
            } else {
                throw Self.typeError("\(functionName)() got an unexpected keyword argument '\(member.key)'")
            }
        }
        var missing: [String] = []
        for parameter in parameters where values[parameter.name] == nil {
            if let defaultValue = parameter.defaultValue {
                values[parameter.name] = defaultValue
            } else {
                missing.append(parameter.name)
            }
        }
        if !missing.isEmpty {
            let names = missing.map { "'\($0)'" }
            let list =
                names.count == 1
                ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names.last!
            let noun = missing.count == 1 ? "argument" : "arguments"
            throw Self.typeError("\(functionName)() missing \(missing.count) required positional \(noun): \(list)")
        }
        return TaskArguments(values: values, extraPositional: extraPositional, extraKeywords: extraKeywords)
    }

    static func typeError(_ message: String) -> TaskFailure {
        TaskFailure(.builtin("TypeError", message))
    }
}

/// Arguments bound to a task's parameters.
public struct TaskArguments: Sendable {
    /// Each parameter's value (given or default).
    public var values: [String: JSONValue]
    /// `*args` beyond the named parameters.
    public var extraPositional: [JSONValue]
    /// `**kwargs` not matching a parameter.
    public var extraKeywords: JSONObject

    /// The value bound to a parameter.
    public subscript(name: String) -> JSONValue { values[name] ?? .null }

    /// A parameter as a string, or a TypeError naming it.
    public func string(_ name: String) throws(TaskFailure) -> String {
        guard let value = values[name]?.stringValue else { throw Self.wrongType(name, "str", values[name]) }
        return value
    }

    /// A parameter as an optional string (`None` → nil).
    public func optionalString(_ name: String) throws(TaskFailure) -> String? {
        let value = self[name]
        if value.isNull { return nil }
        guard let text = value.stringValue else { throw Self.wrongType(name, "str or None", value) }
        return text
    }

    /// A parameter as an integer (a numeric string is accepted, as Django's int() would).
    public func int(_ name: String) throws(TaskFailure) -> Int {
        let value = self[name]
        if let number = value.intValue, let small = Int(exactly: number) { return small }
        if let text = value.stringValue, let number = Int(text.trimmingCharacters(in: .whitespaces)) { return number }
        throw Self.wrongType(name, "int", value)
    }

    /// A parameter as an optional integer (`None` → nil).
    public func optionalInt(_ name: String) throws(TaskFailure) -> Int? {
        if self[name].isNull { return nil }
        return try int(name)
    }

    /// A parameter as a list of strings.
    public func strings(_ name: String) throws(TaskFailure) -> [String] {
        let value = self[name]
        if value.isNull { return [] }
        guard let elements = value.arrayValue else { throw Self.wrongType(name, "list", value) }
        var result: [String] = []
        for element in elements {
            if let text = element.stringValue {
                result.append(text)
            } else if let number = element.intValue {
                result.append(String(number))
            } else {
                throw Self.wrongType(name, "list of str", value)
            }
        }
        return result
    }

    /// A parameter as a list.
    public func array(_ name: String) throws(TaskFailure) -> [JSONValue] {
        let value = self[name]
        if value.isNull { return [] }
        guard let elements = value.arrayValue else { throw Self.wrongType(name, "list", value) }
        return elements
    }

    static func wrongType(_ name: String, _ expected: String, _ value: JSONValue?) -> TaskFailure {
        TaskFailure(
            .builtin("TypeError", "argument '\(name)' must be \(expected), not \(value?.typeName ?? "missing")"))
    }
}
