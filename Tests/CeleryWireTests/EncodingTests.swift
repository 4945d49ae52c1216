import CeleryWire
import Testing

/// What we publish and store, read back by our own decoder (Python reads it in the interop tests).
@Suite struct EncodingTests {
    @Test func taskMessageRoundTrip() throws {
        var message = TaskMessage(task: "capture.add", args: [2, 3], kwargs: ["k": "ñ"])
        message.callbacks = [Signature(task: "capture.add", args: [10])]
        message.chain = [Signature(task: "capture.mul", args: [4], options: ["task_id": "last"])]
        message.timeLimit = TimeLimit(hard: 600, soft: 300)
        message.priority = 7
        message.compress = true
        let request = try TaskRequest.decode(message.encoded())
        #expect(request.id == message.id && request.task == "capture.add")
        #expect(request.args == [2, 3] && request.kwargs["k"] == "ñ")
        #expect(request.callbacks.map(\.task) == ["capture.add"])
        #expect(request.chain.first?.presetTaskID == "last")
        #expect(request.timeLimit == TimeLimit(hard: 600, soft: 300))
        #expect(request.priority == 7 && request.compression == "application/x-gzip")
        #expect(request.argsRepr == "(2, 3)" && request.kwargsRepr == "{'k': 'ñ'}")
        #expect(request.rootID == message.id && request.deliveryTag == message.deliveryTag)
        let envelope = try KombuEnvelope.decode(message.encoded())
        #expect(envelope.headers.keys.prefix(3) == ["lang", "task", "id"])
        #expect(try envelope.decodedBody().arrayValue?.count == 3)
    }

    @Test func retryMessageFollowsTaskRetry() throws {
        let original = try TaskRequest.decode(
            TaskMessage(id: "abc", task: "t", args: [7], routingKey: "work").encoded())
        let retry = TaskMessage(retrying: original, eta: "2026-11-25T02:16:56.318175+00:00")
        let request = try TaskRequest.decode(retry.encoded())
        #expect(request.id == "abc" && request.retries == 1 && request.parentID == "abc" && request.rootID == "abc")
        #expect(request.etaText == "2026-11-25T02:16:56.318175+00:00")
        #expect(request.deliveryTag != original.deliveryTag)
        #expect(request.deliveryInfo.routingKey == "work" && request.args == [7])
    }

    @Test func redeliveredMarking() throws {
        let envelope = try KombuEnvelope.decode(TaskMessage(task: "t").encoded())
        let restored = try KombuEnvelope.decode(envelope.markedRedelivered().encoded())
        #expect(restored.headers["redelivered"] == true)
        #expect(restored.properties.deliveryInfo.redelivered)
        #expect(restored.properties.deliveryTag == envelope.properties.deliveryTag)
    }

    @Test func resultRecordShapes() throws {
        let request = try TaskRequest.decode(TaskMessage(id: "r1", task: "t").encoded())
        let success = ResultRecord.success(request, result: ["tamaño_mb": 1.5], at: 1_795_573_015.065)
        #expect(
            String(decoding: success.encoded(), as: UTF8.self)
                == #"{"status": "SUCCESS", "result": {"tama\u00f1o_mb": 1.5}, "traceback": null, "children": [], "date_done": "2026-11-25T02:16:55.065000+00:00", "task_id": "r1"}"#
        )
        #expect(
            String(decoding: success.encoded(dateStyle: .naiveUTC), as: UTF8.self).contains(
                #""date_done": "2026-11-25T02:16:55.065000","#))
        let retry = ResultRecord.retry(request, exception: .builtin("KeyError", "nope"), traceback: "tb")
        #expect(retry.children == [[["r1", nil], nil]] && retry.dateDone == nil)
        let decoded = try ResultRecord.decode(retry.encoded())
        #expect(decoded.exception == ExceptionInfo.builtin("KeyError", "nope"))
        #expect(ExceptionInfo.builtin("ValueError", "bad thing").description == "ValueError('bad thing')")
        #expect(ExceptionInfo.timeLimitExceeded(300).jsonValue.objectValue?["exc_message"] == [300])
    }

    @Test func brokerKeys() {
        let keys = BrokerKeys()
        #expect(
            keys.consumeKeys(queues: ["celery"]) == [
                "celery", "celery\u{06}\u{16}3", "celery\u{06}\u{16}6", "celery\u{06}\u{16}9",
            ])
        #expect(keys.consumeKeys(queues: ["a", "b"]).prefix(3) == ["a", "b", "a\u{06}\u{16}3"])
        #expect(keys.queueKey("celery", priority: 2) == "celery")
        #expect(keys.queueKey("celery", priority: 5) == "celery\u{06}\u{16}3")
        #expect(keys.queueKey("celery", priority: 7) == "celery\u{06}\u{16}6")
        #expect(keys.queueKey("celery", priority: 9) == "celery\u{06}\u{16}9")
        #expect(keys.queueName(fromKey: "celery\u{06}\u{16}9") == "celery")
        #expect(keys.bindingMember(routingKey: "celery", queue: "celery") == "celery\u{06}\u{16}\u{06}\u{16}celery")
        #expect(keys.fanoutChannel(db: 0, exchange: "celery.pidbox") == "/0.celery.pidbox")
        #expect(
            keys.fanoutChannel(db: 0, exchange: "celeryev", routingKey: "worker.heartbeat")
                == "/0.celeryev/worker.heartbeat")
        let prefixed = BrokerKeys(prefix: "pfx:")
        #expect(
            prefixed.unacked == "pfx:unacked" && prefixed.queueKey("celery", priority: 3) == "pfx:celery\u{06}\u{16}3")
        #expect(prefixed.queueName(fromKey: "pfx:celery\u{06}\u{16}3") == "celery")
        let custom = BrokerKeys(separator: ":", prioritySteps: Array(0...9))
        #expect(custom.queueKey("q", priority: 4) == "q:4")
        #expect(BackendKeys(globalKeyPrefix: "rpfx").task("x") == "rpfx_celery-task-meta-x")
        #expect(BackendKeys(globalKeyPrefix: "rpfx:").task("x") == "rpfx:celery-task-meta-x")
        #expect(BackendKeys().chord("g").join == "celery-taskset-meta-g.j")
    }

    @Test func pythonRepr() {
        #expect(PythonRepr.tuple([7]) == "(7,)")
        #expect(PythonRepr.tuple([]) == "()")
        #expect(PythonRepr.repr(["a": [true, nil, 1.5, "it's"]]) == #"{'a': [True, None, 1.5, "it's"]}"#)
    }
}
