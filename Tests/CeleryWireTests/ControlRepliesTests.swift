import CeleryWire
import Testing

/// The task and queue descriptions `celery inspect` prints, as Celery's worker shapes them.
@Suite struct ControlRepliesTests {
    @Test func requestInfoHasCelerysFields() throws {
        var message = TaskMessage(task: "t.add", args: [1, 2], routingKey: "q")
        message.id = "abc"
        let request = try TaskRequest.decode(message.encoded())
        let info = ControlReplies.requestInfo(request, hostname: "w@h", startedAt: 12.5, acknowledged: true, pid: 7)
        let object = try #require(info.objectValue)
        #expect(object["id"] == "abc" && object["type"] == "t.add" && object["hostname"] == "w@h")
        #expect(object["args"] == [1, 2] && object["time_start"] == 12.5 && object["acknowledged"] == true)
        #expect(object["worker_pid"] == 7)
        #expect(object["delivery_info"]?.objectValue?["routing_key"] == "q")
    }

    @Test func queueInfoIsADirectQueue() throws {
        let object = try #require(ControlReplies.queueInfo("celery").objectValue)
        #expect(object["name"] == "celery" && object["routing_key"] == "celery")
        #expect(object["exchange"]?.objectValue?["type"] == "direct")
    }
}
