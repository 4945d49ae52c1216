import Foundation
import Synchronization

/// The temporary files of one task run; ``removeAll()`` deletes them on every exit path.
final class TemporaryFiles: Sendable {
    private let paths = Mutex<[URL]>([])

    /// Records a file to delete.
    func track(_ url: URL) {
        paths.withLock { $0.append(url) }
    }

    /// Deletes every recorded file; returns the ones that could not be removed with the reason.
    @discardableResult
    func removeAll() -> [(URL, String)] {
        let urls = paths.withLock { list -> [URL] in
            defer { list.removeAll() }
            return list
        }
        var failures: [(URL, String)] = []
        for url in urls where FileManager.default.fileExists(atPath: url.path) {
            do {
                try FileManager.default.removeItem(at: url)
            } catch {
                failures.append((url, error.localizedDescription))
            }
        }
        return failures
    }
}
