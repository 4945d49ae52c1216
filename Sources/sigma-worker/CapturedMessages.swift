import CeleryWire
import Foundation

/// Files holding one captured message each, exactly as popped from Redis.
enum CapturedMessages {
    /// Decodes each file in turn and hands its request to `body`. A file that cannot be read
    /// or decoded (or whose `body` throws) gets one line naming it and the error.
    /// - Returns: the number of such files.
    static func forEach(_ files: [String], _ body: (String, TaskRequest) async throws -> Void) async -> Int {
        var failures = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                print("\(file): cannot read the file")
                failures += 1
                continue
            }
            do {
                try await body(file, try TaskRequest.decode(Array(data)))
            } catch {
                print("\(file): \(error)")
                failures += 1
            }
        }
        return failures
    }
}
