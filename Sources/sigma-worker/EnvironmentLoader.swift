import CeleryWorker
import Foundation

/// The settings a Django process would see: the real environment over the `.env` file.
enum EnvironmentLoader {
    static func load(envFile: String?) -> [String: String] {
        let path = envFile ?? DotEnvFile.find(from: FileManager.default.currentDirectoryPath)
        let file = path.flatMap(DotEnvFile.init(path:))
        return DotEnvFile.merged(file: file, environment: ProcessInfo.processInfo.environment)
    }
}
