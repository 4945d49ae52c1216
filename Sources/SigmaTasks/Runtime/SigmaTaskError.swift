import CeleryWire
import CeleryWorker

/// An error raised by a SIGMA task step, stored in results as the Python exception the original
/// task raised (`Exception('Error al generar PDF: …')` and the like).
public struct SigmaTaskError: Error, PythonException, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The name of the code.
        public let rawValue: String
        /// Creates a code.
        public init(_ rawValue: String) { self.rawValue = rawValue }
        /// A setting is malformed.
        public static let configuration = Code("configuration")
        /// A step failed the way the Python task raises `Exception(...)`.
        public static let step = Code("step")
        /// An argument could not be used (Python's `ValueError`).
        public static let invalidArgument = Code("invalidArgument")
        /// A stored file name points outside its storage root.
        public static let unsafePath = Code("unsafePath")
        public var description: String { rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The message, worded as the Python task words it.
    public var message: String

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - message: the message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A malformed setting.
    static func configuration(_ message: String) -> SigmaTaskError { SigmaTaskError(.configuration, message) }

    /// A failed step, as the Python task's `raise Exception(message)`.
    static func step(_ message: String) -> SigmaTaskError { SigmaTaskError(.step, message) }

    public var exceptionInfo: ExceptionInfo {
        switch code {
        case .invalidArgument: .builtin("ValueError", message)
        default: .builtin("Exception", message)
        }
    }

    public var description: String { message }
}
