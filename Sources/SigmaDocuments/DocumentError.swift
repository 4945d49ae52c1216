/// An error from the documents module: a stable code to branch on and a message for people.
public struct DocumentError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, coarsely; new codes may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The bytes are not an image we can decode (corrupt, truncated or unknown format).
        public static let undecodableImage = Code("undecodableImage")
        /// The image decoded but has a layout we do not handle.
        public static let unsupportedImage = Code("unsupportedImage")
        /// The encoder failed.
        public static let encodingFailed = Code("encodingFailed")
        /// A file could not be read or written.
        public static let fileAccess = Code("fileAccess")
        /// A file that should exist does not.
        public static let fileNotFound = Code("fileNotFound")

        public var description: String { name }
    }

    /// The error's category.
    public var code: Code
    /// A human-readable explanation.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
