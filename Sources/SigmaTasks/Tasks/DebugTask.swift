import CeleryWire
import CeleryWorker
import Foundation

/// `config.celery.debug_task`: prints its request and stores no result.
enum DebugTask {
    static let name = "config.celery.debug_task"

    static func run(_ context: TaskContext) async throws -> JSONValue {
        let request = context.request
        let line =
            "Tarea de prueba ejecutada. Request: <Context: {'id': '\(request.id)', 'task': '\(request.task)', "
            + "'args': \(PythonRepr.tuple(request.args)), 'kwargs': \(PythonRepr.dict(request.kwargs)), "
            + "'retries': \(request.retries), 'hostname': '\(context.hostname)'}>\n"
        FileHandle.standardOutput.write(Data(line.utf8))
        return .null
    }
}
