import ArgumentParser
import CeleryWire
import CeleryWorker
import Foundation

/// `sigma-worker`: a Celery-compatible worker for SIGMA, written in Swift (entry point: main.swift).
struct SigmaWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sigma-worker",
        abstract: "A Celery-compatible task worker for SIGMA.",
        subcommands: [WorkerCommand.self, DecodeCommand.self, ReplayCommand.self, DemoDataCommand.self],
        defaultSubcommand: WorkerCommand.self)

    /// Celery puts `-A app` before the subcommand (`celery -A config worker`); accept it anywhere.
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if let index = arguments.firstIndex(where: { $0 == "-A" || $0 == "--app" }), index + 1 < arguments.count,
            !["worker", "decode", "replay", "demo-data"].contains(arguments.first ?? "")
        {
            let app = arguments[index...index + 1]
            arguments.removeSubrange(index...index + 1)
            if let sub = arguments.firstIndex(where: { ["worker", "decode", "replay", "demo-data"].contains($0) }) {
                arguments.insert(contentsOf: app, at: sub + 1)
            } else {
                arguments.insert(contentsOf: app, at: 0)
            }
        }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}
