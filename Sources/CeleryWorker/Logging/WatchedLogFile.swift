import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A log file that survives rotation, as Python's `WatchedFileHandler` (Celery's file handler):
/// opened with `O_APPEND` (after logrotate's `copytruncate` the next line lands at the new end,
/// not past a hole of NUL bytes), and reopened by path when the path no longer names the open
/// file (logrotate's `create`: renamed away, a new file in its place).
///
/// The path is checked at most every ``checkInterval`` seconds (Python stats it before every
/// line): a line written in the 0.1 s after a `create` rotation lands in the rotated file,
/// never nowhere, and a busy worker does not pay two `stat` calls per task.
///
/// Not thread-safe on its own (hence unchecked): ``CeleryLogHandler/Sink`` lets one thread at a time write.
final class WatchedLogFile: @unchecked Sendable {
    let path: String
    private var descriptor: Int32 = -1
    private var identity: FileIdentity?
    private var checkedAt: UInt64 = 0
    /// Seconds between two checks of the path.
    static let checkInterval: Double = 0.1

    /// The device and inode a path or descriptor names.
    struct FileIdentity: Equatable {
        var device: UInt64
        var inode: UInt64

        init(_ status: stat) {
            device = UInt64(status.st_dev)
            inode = UInt64(status.st_ino)
        }
    }

    /// Opens (creating when missing) the file; throws a plain-language error when it cannot.
    init(path: String) throws(LogFileError) {
        self.path = path
        try open()
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    private func open() throws(LogFileError) {
        let opened = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard opened >= 0 else { throw LogFileError(path: path, errno: errno) }
        var status = stat()
        fstat(opened, &status)
        if descriptor >= 0 { close(descriptor) }
        descriptor = opened
        identity = FileIdentity(status)
    }

    /// Whether the path still names the open file (`stat` of the path against the descriptor's).
    static func needsReopen(path: FileIdentity?, open: FileIdentity?) -> Bool {
        guard let path, let open else { return true }
        return path != open
    }

    /// Writes one whole line, reopening first when the file was rotated away. A line that cannot
    /// be written (disk full, the folder gone) is dropped: logging never stops the worker.
    func write(_ bytes: UnsafeRawBufferPointer) {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC_COARSE, &now)
        let nanoseconds = UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
        if nanoseconds &- checkedAt >= UInt64(Self.checkInterval * 1e9) || descriptor < 0 {
            checkedAt = nanoseconds
            var status = stat()
            let current = stat(path, &status) == 0 ? FileIdentity(status) : nil
            if Self.needsReopen(path: current, open: identity) { try? open() }
        }
        guard descriptor >= 0 else { return }
        Self.writeAll(descriptor, bytes)
    }

    /// write(2) until every byte is out (retrying on EINTR); gives up silently on an error.
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, base + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}

/// A log file that cannot be opened, said plainly (no Foundation error domains).
public struct LogFileError: Error, CustomStringConvertible {
    public let path: String
    public let code: Int32

    init(path: String, errno code: Int32) {
        self.path = path
        self.code = code
    }

    public var description: String {
        "cannot open the log file \(path): \(String(cString: strerror(code)))"
    }
}
