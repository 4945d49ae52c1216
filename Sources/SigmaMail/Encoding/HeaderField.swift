/// The check every header value goes through before it is written.
enum HeaderField {
    /// Throws ``MailError/Code/headerInjection`` when `value` contains CR, LF or NUL.
    /// - Parameters:
    ///   - value: A header value or address as given by the caller.
    ///   - field: The header or item the value is for, named in the error (the value is not).
    static func requireSingleLine(_ value: String, field: String) throws {
        for scalar in value.unicodeScalars where scalar == "\r" || scalar == "\n" || scalar == "\0" {
            throw MailError(.headerInjection, "\(field) contains a line break or NUL character")
        }
    }
}
