import ArgumentParser
import CeleryWire
import CeleryWorker
import Foundation

/// `sigma-worker`: a Celery-compatible worker for SIGMA, written in Swift (entry point: main.swift).
struct SigmaWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sigma-worker",
        abstract: "A Celery-compatible task worker for SIGMA.",
        version: SigmaWorkerVersion.line,
        subcommands: [
            WorkerCommand.self, BeatCommand.self, VersionCommand.self, DecodeCommand.self, ReplayCommand.self,
            DemoDataCommand.self,
        ],
        defaultSubcommand: WorkerCommand.self)

    static let subcommandNames = ["worker", "beat", "version", "decode", "replay", "demo-data"]
    /// Celery's global options (`celery --help`): given before the subcommand they are moved
    /// after `worker`, whose options they are here. The first list takes a value.
    static let globalOptionsWithValue = [
        "-A", "--app", "-b", "--broker", "--result-backend", "--loader", "--config", "--workdir",
    ]
    static let globalFlags = ["-C", "--no-color", "-q", "--quiet", "--skip-checks"]

    /// Reorders `celery -A app -b url worker ...` into `worker -A app -b url ...`.
    static func normalized(_ arguments: [String]) -> [String] {
        var globals: [String] = []
        var rest: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if subcommandNames.contains(argument) {
                rest += arguments[index...]
                break
            }
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if globalOptionsWithValue.contains(name) {
                globals.append(argument)
                if !argument.contains("="), index + 1 < arguments.count {
                    globals.append(arguments[index + 1])
                    index += 1
                }
            } else if globalFlags.contains(argument) {
                globals.append(argument)
            } else {
                rest.append(argument)
            }
            index += 1
        }
        guard !globals.isEmpty else { return arguments }
        if let first = rest.first, subcommandNames.contains(first) {
            if first == "worker" { return [first] + globals + rest.dropFirst() }
            if first == "beat" { return [first] + beatOptions(globals) + rest.dropFirst() }
            return rest
        }
        // No subcommand (or `--version`/`--help` alone): the default subcommand, `worker`.
        if rest.contains("--version") || rest.contains("--help") || rest.contains("-h") { return rest }
        return ["worker"] + globals + rest
    }

    /// The global options `beat` takes (`-A`, `-b`); the others mean nothing to it.
    static func beatOptions(_ globals: [String]) -> [String] {
        var kept: [String] = []
        var index = 0
        while index < globals.count {
            let argument = globals[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            let takesValue = globalOptionsWithValue.contains(name) && !argument.contains("=")
            if ["-A", "--app", "-b", "--broker"].contains(name) {
                kept.append(argument)
                if takesValue, index + 1 < globals.count { kept.append(globals[index + 1]) }
            }
            index += takesValue ? 2 : 1
        }
        return kept
    }

    static func main() async {
        let arguments = normalized(Array(CommandLine.arguments.dropFirst()))
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
