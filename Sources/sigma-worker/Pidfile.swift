import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `--pidfile` as Celery keeps it: created exclusively (a live owner refuses the start, exit
/// status 73; a stale one is removed), holding `<pid>\n`, removed at exit.
enum Pidfile {
    static func create(at path: String) throws {
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let owner = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            if let owner, owner != getpid(), kill(owner, 0) == 0 || errno == EPERM {
                FileHandle.standardError.write(
                    Data(
                        "ERROR: Pidfile (\(path)) already exists.\nSeems we're already running? (pid: \(owner))\n".utf8)
                )
                throw ExitCode(73)
            }
            FileHandle.standardError.write(
                Data(
                    (owner == nil ? "Broken pidfile found - Removing it.\n" : "Stale pidfile exists - Removing it.\n")
                        .utf8))
            unlink(path)
        }
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            FileHandle.standardError.write(
                Data("ERROR: cannot create the pidfile \(path): \(String(cString: strerror(errno)))\n".utf8))
            throw ExitCode(73)
        }
        let text = Array("\(getpid())\n".utf8)
        _ = text.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        fsync(descriptor)
        close(descriptor)
    }

    /// Removes the file if it still names this process.
    static func remove(at path: String) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
            Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) == getpid()
        else { return }
        unlink(path)
    }
}
