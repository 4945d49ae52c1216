import CeleryWire
import Foundation
import SigmaTestSupport
import Testing

/// Every record we encode is read back by real Python Celery 5.3 and 5.7 (`AsyncResult` against a
/// real Redis) into the right state and value; a FAILURE raises the exception class we named.
@Suite(
    .enabled(if: TestEnvironment.celeryInteropAvailable, "needs .venv/celery-5.3, .venv/celery-5.7 and the test Redis"),
    .timeLimit(.minutes(2))
)
struct PythonResultInteropTests {
    struct Sample {
        var record: ResultRecord
        var style: ResultRecord.DateStyle
        var check: @Sendable ([String: Any]) -> Void
    }

    static func request(_ id: String = TaskMessage.newID()) -> TaskRequest {
        try! TaskRequest.decode(TaskMessage(id: id, task: "sigma.test", args: [1]).encoded())
    }

    static let now = Date().timeIntervalSince1970

    static func samples() -> [Sample] {
        var samples: [Sample] = []
        for style in [ResultRecord.DateStyle.aware, .naiveUTC] {
            let values: [JSONValue] = [
                5, "texto ñ 🔧", ["success": true, "tamaño_total_mb": 1.25, "orden": "ORD-2026-0001"],
                [1, nil, 2.5], nil, .bigInt("1180591620717411303424"),
            ]
            for value in values {
                let expected = JSONSerializer().string(value)
                samples.append(
                    Sample(record: .success(request(), result: value, at: now), style: style) { entry in
                        #expect(entry["state"] as? String == "SUCCESS")
                        #expect(entry["outcome"] as? String == "value")
                        let got = try? JSONSerialization.data(withJSONObject: ["v": entry["value"] ?? NSNull()])
                        let gotValue = got.flatMap { try? JSONParser().parse(Array($0)).objectValue?["v"] }
                        #expect(gotValue == (try? JSONParser().parse(expected)), "value \(expected)")
                        #expect((entry["date_done"] as? String)?.hasPrefix("20") == true)
                    })
            }
            let failures: [(ExceptionInfo, String)] = [
                (.builtin("ValueError", "bad thing"), "ValueError"),
                (ExceptionInfo(type: "SwiftTaskError", module: "swift_worker", arguments: ["boom"]), "SwiftTaskError"),
                (.notRegistered("nonexistent.task"), "NotRegistered"),
                (.timeLimitExceeded(600), "TimeLimitExceeded"),
                (.softTimeLimitExceeded, "SoftTimeLimitExceeded"),
                (.builtin("TypeError", "add() missing 1 required positional argument: 'y'"), "TypeError"),
            ]
            for (exception, className) in failures {
                let record = ResultRecord.failure(
                    request(), exception: exception, traceback: "Traceback (most recent call last):\n  x\n", at: now)
                samples.append(
                    Sample(record: record, style: style) { entry in
                        #expect(entry["state"] as? String == "FAILURE")
                        #expect(entry["outcome"] as? String == "raised")
                        #expect(entry["exc_class"] as? String == className)
                        #expect(entry["is_exception"] as? Bool == true)
                        let args = (entry["exc_args"] as? [Any])?.map { "\($0)" }
                        #expect(args == exception.arguments.map { $0.stringValue ?? "\($0.intValue ?? 0)" })
                        #expect((entry["traceback"] as? String)?.hasPrefix("Traceback") == true)
                    })
            }
            samples.append(
                Sample(record: .revoked(request(), reason: "expired", at: now), style: style) { entry in
                    #expect(entry["state"] as? String == "REVOKED")
                    #expect(entry["exc_class"] as? String == "TaskRevokedError")
                    #expect((entry["exc_args"] as? [String]) == ["expired"])
                })
            samples.append(
                Sample(
                    record: .retry(request(), exception: .builtin("KeyError", "nope 0"), traceback: "tb"), style: style
                ) {
                    entry in
                    #expect(entry["state"] as? String == "RETRY")
                    #expect(entry["ready"] as? Bool == false)
                    #expect(entry["info_class"] as? String == "KeyError")
                })
            samples.append(
                Sample(record: .started(request(), pid: 4242, hostname: "sigma@host"), style: style) { entry in
                    #expect(entry["state"] as? String == "STARTED")
                    let info = entry["info"] as? [String: Any]
                    #expect(info?["pid"] as? Int == 4242 && info?["hostname"] as? String == "sigma@host")
                })
            var extended = ResultRecord.success(request(), result: 5, at: now)
            extended.extended = .init(request: request(), worker: "sigma@host")
            extended.parentID = "parent-1"
            extended.groupID = "group-1"
            samples.append(
                Sample(record: extended, style: style) { entry in
                    #expect(entry["state"] as? String == "SUCCESS")
                    #expect(entry["value"] as? Int == 5)
                })
        }
        return samples
    }

    @Test(arguments: ["celery-5.3", "celery-5.7"])
    func pythonReadsEveryState(_ environment: String) async throws {
        let python = try #require(TestEnvironment.python(environment))
        let samples = Self.samples()
        let input: [[String: String]] = samples.map {
            [
                "task_id": $0.record.taskID,
                "meta_b64": Data($0.record.encoded(dateStyle: $0.style)).base64EncodedString(),
            ]
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("results-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: input).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = try #require(Bundle.module.url(forResource: "Support/read_results", withExtension: "py"))
        let backend = TestEnvironment.redisURL + "/1"
        let run = try await ProcessRunner.run(python.path, [script.path, backend, file.path], timeout: 90)
        #expect(run.status == 0, "\(run.standardError)")
        let entries = try #require(
            try JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [[String: Any]])
        #expect(entries.count == samples.count)
        for (sample, entry) in zip(samples, entries) {
            #expect(entry["task_id"] as? String == sample.record.taskID)
            #expect((entry["celery"] as? String)?.hasPrefix(environment == "celery-5.3" ? "5.3" : "5.7") == true)
            sample.check(entry)
        }
    }
}
