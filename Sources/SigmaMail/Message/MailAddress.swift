/// One mailbox: an optional display name and an `local@domain` address.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The display name (`Servicio Técnico System`), possibly non-ASCII; empty for none.
    public var displayName: String
    /// The bare address, `local@domain` (ASCII).
    public var address: String
    /// The text it was parsed from, which Django writes unchanged in an all-ASCII header.
    public var parsedFrom: String?

    /// Creates a mailbox, refusing line breaks (header injection) and malformed addresses.
    /// - Parameters:
    ///   - address: `local@domain`, printable ASCII without spaces or `<>()[],;:"\`.
    ///   - displayName: Any single-line text; empty for none.
    public init(_ address: String, displayName: String = "") throws {
        try HeaderField.requireSingleLine(address, field: "address")
        try HeaderField.requireSingleLine(displayName, field: "display name")
        try Self.validate(address)
        self.address = address
        self.displayName = displayName
    }

    /// Parses `Name <local@domain>`, `"Name" <local@domain>` or a bare `local@domain` (surrounding
    /// white space trimmed).
    /// - Parameter text: The address as a Django setting or task argument spells it.
    public init(parsing text: String) throws {
        try HeaderField.requireSingleLine(text, field: "address")
        let trimmed = text.trimmingWhitespace()
        if let open = trimmed.lastIndex(of: "<"), trimmed.last == ">" {
            var name = String(trimmed[..<open]).trimmingWhitespace()
            if name.count >= 2, name.first == "\"", name.last == "\"" {
                name = String(name.dropFirst().dropLast()).replacingBackslashEscapes()
            }
            let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            try self.init(address.trimmingWhitespace(), displayName: name)
        } else {
            try self.init(trimmed)
        }
        parsedFrom = text
    }

    /// The address Django's SIGMA tasks use from `DEFAULT_FROM_EMAIL`: the text between `<` and
    /// the next `>` when both are present, else the whole string (trimmed).
    /// - Parameter setting: The raw setting, e.g. `Score Card System <noreply@example.com>`.
    public static func bareAddress(ofDjangoSetting setting: String) -> String {
        if let open = setting.firstIndex(of: "<"),
            let close = setting[setting.index(after: open)...].firstIndex(of: ">")
        {
            return String(setting[setting.index(after: open)..<close]).trimmingWhitespace()
        }
        return setting.trimmingWhitespace()
    }

    /// The mailbox as it goes in a header of ASCII addresses: the text it was parsed from, or
    /// `Name <local@domain>` with the name quoted when it holds specials (Python's `formataddr`).
    var source: String {
        if let parsedFrom { return parsedFrom }
        guard !displayName.isEmpty else { return address }
        guard displayName.unicodeScalars.contains(where: { "()<>@,:;.\"[]\\".unicodeScalars.contains($0) }) else {
            return "\(displayName) <\(address)>"
        }
        let escaped = displayName.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
            of: "\"", with: "\\\"")
        return "\"\(escaped)\" <\(address)>"
    }

    /// `Name <local@domain>` or `local@domain`, unencoded (for logs and tests).
    public var description: String {
        displayName.isEmpty ? address : "\(displayName) <\(address)>"
    }

    /// The header tokens for this mailbox: the display name as atoms, a quoted string or RFC 2047
    /// encoded-words, then `<address>`.
    private static func validate(_ address: String) throws {
        guard let at = address.lastIndex(of: "@"), at != address.startIndex,
            address.index(after: at) != address.endIndex
        else {
            throw MailError(.invalidAddress, "address \"\(address)\" is not of the form local@domain")
        }
        let forbidden = Set("<>()[],;:\"\\ ".unicodeScalars)
        for scalar in address.unicodeScalars
        where scalar.value <= 0x20 || scalar.value >= 0x7F || forbidden.contains(scalar) {
            throw MailError(
                .invalidAddress,
                "address \"\(address)\" contains a character that cannot be sent (non-ASCII or special)"
            )
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }

    fileprivate func replacingBackslashEscapes() -> String {
        var out = ""
        var escaped = false
        for character in self {
            if !escaped, character == "\\" {
                escaped = true
                continue
            }
            escaped = false
            out.append(character)
        }
        return out
    }
}
