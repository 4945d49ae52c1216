import CeleryWire
import Testing

/// The message a task sends for a signature (link, chain step, errback), as `apply_async` builds it.
@Suite struct SignatureMessageTests {
    static func parent() throws -> TaskRequest {
        var message = TaskMessage(task: "t.parent", args: [], routingKey: "q")
        message.id = "parent-id"
        message.rootID = "root-id"
        return try TaskRequest.decode(message.encoded())
    }

    @Test func theParentsResultGoesFirstAndIdsPropagate() throws {
        let signature = try Signature(
            decoding: [
                "task": "t.add", "args": [1], "kwargs": [:], "subtask_type": nil, "immutable": false,
                "options": ["queue": "other", "countdown": 10, "priority": 3, "task_id": "child-id"],
            ], field: "link")
        let message = TaskMessage(
            applying: signature, result: 41, parent: try Self.parent(), defaultQueue: "celery", origin: "w@h",
            now: 1_700_000_000)
        #expect(message.id == "child-id" && message.task == "t.add")
        #expect(message.args == [41, 1])
        #expect(message.routingKey == "other" && message.priority == 3 && message.origin == "w@h")
        #expect(message.parentID == "parent-id" && message.rootID == "root-id")
        #expect(message.eta == ISODateTime(unixTime: 1_700_000_010, utcOffset: 0).isoFormat())
    }

    @Test func immutableSignaturesAndErrbacksKeepTheirArguments() throws {
        let signature = try Signature(
            decoding: ["task": "t.echo", "args": ["x"], "kwargs": [:], "options": [:], "immutable": true],
            field: "link")
        let message = TaskMessage(
            applying: signature, result: 41, parent: try Self.parent(), defaultQueue: "celery", origin: "w@h", now: 0)
        #expect(message.args == ["x"] && message.routingKey == "celery" && message.eta == nil)
    }
}
