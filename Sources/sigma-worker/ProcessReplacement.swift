import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// Replaces the running process with a fresh copy of itself (same pid, arguments and
/// environment), as the worker does when a task cannot be stopped after its hard time limit.
enum ProcessReplacement {
    /// The descriptors open when the process started (inherited from whoever started it, e.g.
    /// a supervisor's pipes): they stay open across the replacement, the rest are closed.
    nonisolated(unsafe) private static var inherited: Set<Int32> = []

    /// The program as it was started: `argv[0]` made absolute against the start-up directory,
    /// so that a warm restart runs the binary now at that path (an upgraded package's new one).
    nonisolated(unsafe) private static var program = "/proc/self/exe"

    /// Records the inherited descriptors and the program's path; call first thing at start-up.
    static func noteInheritedDescriptors() {
        inherited = openDescriptors()
        let first = CommandLine.arguments.first ?? ""
        if first.hasPrefix("/") {
            program = first
        } else if first.contains("/") {
            program = FileManager.default.currentDirectoryPath + "/" + first
        } else if !first.isEmpty, let found = searchPath(first) {
            program = found
        }
    }

    /// Where `PATH` finds a command, as the shell did when it started the worker.
    private static func searchPath(_ command: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(command)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    private static func openDescriptors() -> Set<Int32> {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return Set(entries.compactMap { Int32($0) })
    }

    /// Marks every descriptor the process opened itself close-on-exec, then `execv`s
    /// `/proc/self/exe`. Returns only if that fails (after logging why).
    static func execute(logger: Logger) {
        // The new image inherits this thread's signal mask and ignored signals: a pool thread
        // blocks the signals the next worker waits for (SIGTERM, SIGINT, SIGQUIT), so reset them.
        var empty = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, nil)
        for signal in [SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGPIPE] { _ = Glibc.signal(signal, SIG_DFL) }
        for descriptor in openDescriptors().subtracting(inherited) where descriptor > 2 {
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
        var arguments: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) }
        arguments.append(nil)
        execv(program, &arguments)
        // The path is gone (a package being replaced): fall back to the running image.
        execv("/proc/self/exe", &arguments)
        logger.critical("Could not replace the process", metadata: ["error": "\(String(cString: strerror(errno)))"])
    }
}

extension ProcessReplacement {
    /// Starts the program again with these arguments in a new session, its standard streams on
    /// /dev/null (`--detach`); returns once it runs.
    static func spawnDetached(arguments: [String]) throws {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, 0x80)  // POSIX_SPAWN_SETSID (glibc, _GNU_SOURCE)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(
                &actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        defer { argv.forEach { free($0) } }
        var child = pid_t()
        let status = posix_spawn(&child, program, &actions, &attributes, argv, environ)
        guard status == 0 else {
            throw DetachError(reason: String(cString: strerror(status)))
        }
    }

    struct DetachError: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }
}
