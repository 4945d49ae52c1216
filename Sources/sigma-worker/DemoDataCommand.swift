import ArgumentParser
import CeleryWorker
import Foundation
import Logging
import SigmaDatabase

/// `sigma-worker demo-data`: create SIGMA's tables and the sample rows in empty country databases
/// (the demo and manual testing; never point it at a real database).
struct DemoDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-data",
        abstract: "Create the SIGMA tables and sample orders in empty databases (for the demo).")

    @Option(name: .customLong("env-file"), help: "The .env file (default: the first .env in this folder or a parent).")
    var envFile: String?

    func run() async throws {
        let logger = Logger(label: "sigma-worker")
        let environment = EnvironmentLoader.load(envFile: envFile)
        let router = DatabaseRouter(configuration: try DatabaseConfiguration(environment: environment), logger: logger)
        do {
            for alias in DatabaseAlias.allCases {
                let database = router.database(alias)
                try await SchemaInstaller.install(in: database, seed: true)
                print("\(alias.rawValue): tables and sample rows created in \(database.location)")
            }
        } catch {
            await router.shutdown()
            throw error
        }
        await router.shutdown()
    }
}
