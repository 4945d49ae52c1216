import Foundation

/// Where the tests find the repository, the Python environments and the servers that
/// `scripts/test.sh` starts.
public enum TestEnvironment {
    /// The repository root (two levels above this file's folder).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared` next to the repository, when present (spec and reference data).
    public static var sharedFolder: URL? {
        let url = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// The interpreter of a Python environment made by scripts/setup-python.sh
    /// (`celery-5.3` or `celery-5.7`), when it exists.
    public static func python(_ environment: String) -> URL? {
        let url = repositoryRoot.appendingPathComponent(".venv/\(environment)/bin/python")
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }

    /// The Redis server for integration tests (`SIGMA_TEST_REDIS_URL`, default port 6390).
    public static var redisURL: String {
        ProcessInfo.processInfo.environment["SIGMA_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6390"
    }

    /// True when the test Redis server answers PING.
    public static let redisAvailable: Bool = {
        guard
            let result = try? ProcessRunner.runBlocking(
                "/usr/bin/env", ["redis-cli", "-u", redisURL, "ping"], timeout: 5)
        else { return false }
        return result.status == 0 && result.standardOutput.contains("PONG")
    }()

    /// True when both Celery environments and Redis are there: what the Python interop tests need.
    public static var celeryInteropAvailable: Bool {
        python("celery-5.3") != nil && python("celery-5.7") != nil && redisAvailable
    }
}
