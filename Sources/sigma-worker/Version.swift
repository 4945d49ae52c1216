import ArgumentParser

/// The release, printed by `--version` and `sigma-worker version`, and the package's version.
enum SigmaWorkerVersion {
    static let number = "0.3.0"
    /// `celery --version` prints "5.5.3 (immunity)"; this prints the worker and what it speaks.
    static let line = "sigma-worker \(number) (Celery protocol 1 and 2, Celery 5.3–5.7 clients)"
}

/// `sigma-worker version`, as `celery version`.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() { print(SigmaWorkerVersion.line) }
}
