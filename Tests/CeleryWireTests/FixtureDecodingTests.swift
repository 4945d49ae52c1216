import CeleryWire
import Testing

/// Every message captured from real Celery 5.3 and 5.7 decodes to what the manifest says.
@Suite struct FixtureDecodingTests {
    @Test func corpusCoversBothVersions() {
        let messages = FixtureManifest.shared.messages
        #expect(messages.count >= 30)
        #expect(messages.filter { $0.celery.hasPrefix("5.3") }.count >= 15)
        #expect(messages.filter { $0.celery.hasPrefix("5.7") }.count >= 15)
        #expect(FixtureManifest.shared.results.count >= 6)
    }

    @Test(arguments: FixtureManifest.shared.messages)
    func messageDecodes(_ entry: FixtureManifest.Entry) throws {
        let bytes = entry.bytes
        try #require(!bytes.isEmpty, "fixture file \(entry.file) is missing")
        let expect = entry.expect
        if entry.outcome == "unsupported_content_type" {
            let error = #expect(throws: CeleryWireError.self) { try TaskRequest.decode(bytes) }
            #expect(error?.code == .unsupportedContentType)
            let envelope = try KombuEnvelope.decode(bytes)
            if let id = expect["id"]?.stringValue { #expect(TaskRequest.identity(of: envelope).id == id) }
            return
        }
        let request = try TaskRequest.decode(bytes)
        func check(_ key: String, _ actual: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) {
            guard let expected = expect[key] else { return }
            #expect(actual == expected, "\(key) in \(entry.file)", sourceLocation: sourceLocation)
        }
        check("protocol", .int(Int64(request.protocolVersion)))
        check("task", .string(request.task))
        check("id", .string(request.id))
        check("args", .array(request.args))
        check("kwargs", .object(request.kwargs))
        check("retries", .int(Int64(request.retries)))
        check("eta", JSONValue(request.etaText))
        check("expires", JSONValue(request.expiresText))
        check("timelimit", request.timeLimit.jsonValue)
        check("root_id", JSONValue(request.rootID))
        check("parent_id", JSONValue(request.parentID))
        check("group", JSONValue(request.groupID))
        check("group_index", JSONValue(request.groupIndex))
        check("ignore_result", request.ignoreResult.map { .bool($0) } ?? .null)
        check("shadow", JSONValue(request.shadow))
        check("priority", .int(Int64(request.priority)))
        check("exchange", .string(request.deliveryInfo.exchange))
        check("routing_key", .string(request.deliveryInfo.routingKey))
        check("delivery_tag", .string(request.deliveryTag))
        check("correlation_id", JSONValue(request.correlationID))
        check("reply_to", JSONValue(request.replyTo))
        check("compression", JSONValue(request.compression))
        check("content_type", JSONValue(request.contentType))
        check("redelivered", .bool(request.redelivered))
        check("callbacks", .array(request.callbacks.map { .string($0.task) }))
        check("errbacks", .array(request.errbacks.map { .string($0.task) }))
        check("chain", .array(request.chain.map { .string($0.task) }))
        check("chord", JSONValue(request.chord?.task))
        check("custom_headers", .object(request.customHeaders))
        // Parsed dates agree with their text.
        if let eta = request.eta, let text = request.etaText { #expect(eta.description.prefix(19) == text.prefix(19)) }
    }

    @Test(arguments: FixtureManifest.shared.messages.filter { $0.outcome == "request" })
    func envelopeSurvivesARoundTrip(_ entry: FixtureManifest.Entry) throws {
        let envelope = try KombuEnvelope.decode(entry.bytes)
        let again = try KombuEnvelope.decode(envelope.encoded())
        #expect(again == envelope.withRawFromSelf(again))
        #expect(try TaskRequest.decode(envelope: again) == TaskRequest.decode(envelope: envelope))
        // Python's json.dumps and ours agree byte for byte on kombu's own output.
        #expect(envelope.encoded() == entry.bytes, "re-serialized envelope differs from \(entry.file)")
    }

    @Test(arguments: FixtureManifest.shared.results)
    func resultDecodes(_ entry: FixtureManifest.Entry) throws {
        let record = try ResultRecord.decode(entry.bytes)
        let expect = entry.expect
        #expect(record.status.rawValue == expect["status"]?.stringValue)
        #expect(record.taskID == expect["task_id"]?.stringValue)
        if let result = expect["result"] { #expect(record.result == result) }
        if let type = expect["exc_type"]?.stringValue {
            let exception = try #require(record.exception)
            #expect(exception.type == type)
            #expect(exception.module == expect["exc_module"]?.stringValue)
            if let message = expect["exc_message"]?.arrayValue { #expect(exception.arguments == message) }
        }
        if let hasTraceback = expect["has_traceback"]?.boolValue { #expect((record.traceback != nil) == hasTraceback) }
        if let count = expect["children_count"]?.intValue { #expect(Int64(record.children?.count ?? 0) == count) }
        #expect(record.parentID == expect["parent_id"]?.stringValue)
        #expect(record.groupID == expect["group_id"]?.stringValue)
        // What we re-encode reads back identically.
        let again = try ResultRecord.decode(record.encoded())
        #expect(again.status == record.status && again.result == record.result && again.taskID == record.taskID)
    }
}

extension KombuEnvelope {
    /// The same envelope with another envelope's raw members, to compare decoded fields only.
    func withRawFromSelf(_ other: KombuEnvelope) -> KombuEnvelope {
        var copy = self
        copy.raw = other.raw
        copy.properties.raw = other.properties.raw
        return copy
    }
}
