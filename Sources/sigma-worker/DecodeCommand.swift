import ArgumentParser
import CeleryWire
import Foundation

/// `sigma-worker decode FILE…`: print the task requests captured messages decode to.
struct DecodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode", abstract: "Decode captured kombu messages and print the task requests.")

    @Argument(help: "Files holding one message each, exactly as popped from Redis.")
    var files: [String]

    func run() async throws {
        let failures = await CapturedMessages.forEach(files) { file, request in
            print("\(file):")
            print("  task \(request.task)[\(request.id)] protocol \(request.protocolVersion)")
            print("  args \(PythonRepr.tuple(request.args)) kwargs \(PythonRepr.dict(request.kwargs))")
            print("  retries \(request.retries) eta \(request.etaText ?? "-") expires \(request.expiresText ?? "-")")
            print(
                "  timelimit \(JSONSerializer().string(request.timeLimit.jsonValue)) queue \(request.deliveryInfo.routingKey) priority \(request.priority)"
            )
            if !request.callbacks.isEmpty { print("  link \(request.callbacks.map(\.task))") }
            if !request.errbacks.isEmpty { print("  link_error \(request.errbacks.map(\.task))") }
            if !request.chain.isEmpty { print("  chain (next last) \(request.chain.map(\.task))") }
            if let chord = request.chord { print("  chord body \(chord.task)") }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
