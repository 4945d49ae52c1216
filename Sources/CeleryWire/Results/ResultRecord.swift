/// The document stored under `celery-task-meta-<id>` for one state, in Celery's key order:
/// `status, result, traceback, children, date_done, [group_id], [parent_id],
/// [name, args, kwargs, worker, retries, queue], task_id` (`task_id` last; readers require it).
public struct ResultRecord: Sendable, Hashable {
    /// How `date_done` is written.
    public enum DateStyle: Sendable, Hashable {
        /// `2026-11-25T02:16:55.070249+00:00`: what Celery 5.5+ writes; 5.3–5.7 clients read it.
        case aware
        /// `2026-11-25T02:24:18.226839` (UTC): what Celery 5.3 wrote.
        case naiveUTC
    }

    /// The `result_extended=True` fields.
    public struct Extended: Sendable, Hashable {
        public var name: String
        public var args: [JSONValue]
        public var kwargs: JSONObject
        public var worker: String
        public var retries: Int
        public var queue: String?

        /// Creates extended fields.
        public init(name: String, args: [JSONValue], kwargs: JSONObject, worker: String, retries: Int, queue: String?) {
            self.name = name
            self.args = args
            self.kwargs = kwargs
            self.worker = worker
            self.retries = retries
            self.queue = queue
        }

        /// The fields of a request, as the worker `worker` stores them.
        public init(request: TaskRequest, worker: String) {
            self.init(
                name: request.task, args: request.args, kwargs: request.kwargs, worker: worker,
                retries: request.retries, queue: request.deliveryInfo.routingKey)
        }
    }

    public var taskID: String
    public var status: TaskState
    /// The return value (SUCCESS), `{pid, hostname}` (STARTED), or the exception dict.
    public var result: JSONValue
    public var traceback: String?
    /// Result tuples of tasks published while running; nil writes `null`.
    public var children: [JSONValue]?
    /// Seconds since the epoch; nil for STARTED and RETRY.
    public var dateDone: Double?
    public var groupID: String?
    public var parentID: String?
    public var extended: Extended?

    /// Creates a record.
    public init(
        taskID: String, status: TaskState, result: JSONValue, traceback: String? = nil, children: [JSONValue]? = [],
        dateDone: Double? = nil, groupID: String? = nil, parentID: String? = nil, extended: Extended? = nil
    ) {
        self.taskID = taskID
        self.status = status
        self.result = result
        self.traceback = traceback
        self.children = children
        self.dateDone = dateDone
        self.groupID = groupID
        self.parentID = parentID
        self.extended = extended
    }

    /// SUCCESS with a return value.
    public static func success(
        _ request: TaskRequest, result: JSONValue, children: [JSONValue] = [], at time: Double
    ) -> ResultRecord {
        ResultRecord(
            taskID: request.id, status: .success, result: result, children: children, dateDone: time,
            groupID: request.groupID, parentID: request.parentID)
    }

    /// FAILURE with an exception and traceback.
    public static func failure(
        _ request: TaskRequest, exception: ExceptionInfo, traceback: String?, at time: Double
    ) -> ResultRecord {
        ResultRecord(
            taskID: request.id, status: .failure, result: exception.jsonValue, traceback: traceback,
            dateDone: time, groupID: request.groupID, parentID: request.parentID)
    }

    /// RETRY: the exception, no `date_done`, and the retry message itself as a child.
    public static func retry(_ request: TaskRequest, exception: ExceptionInfo, traceback: String?) -> ResultRecord {
        ResultRecord(
            taskID: request.id, status: .retry, result: exception.jsonValue, traceback: traceback,
            children: [.array([.array([.string(request.id), .null]), .null])], groupID: request.groupID,
            parentID: request.parentID)
    }

    /// REVOKED with `TaskRevokedError(reason)`.
    public static func revoked(_ request: TaskRequest, reason: String, at time: Double) -> ResultRecord {
        ResultRecord(
            taskID: request.id, status: .revoked, result: ExceptionInfo.revoked(reason).jsonValue, dateDone: time,
            groupID: request.groupID, parentID: request.parentID)
    }

    /// STARTED with `{"pid", "hostname"}`.
    public static func started(_ request: TaskRequest, pid: Int, hostname: String) -> ResultRecord {
        ResultRecord(
            taskID: request.id, status: .started,
            result: .object(JSONObject([("pid", .int(Int64(pid))), ("hostname", .string(hostname))])),
            groupID: request.groupID, parentID: request.parentID)
    }

    /// The exception stored in `result`, for exception states.
    public var exception: ExceptionInfo? { status.carriesException ? ExceptionInfo(result) : nil }

    /// The document as a JSON object.
    public func jsonObject(dateStyle: DateStyle = .aware) -> JSONObject {
        var object = JSONObject()
        object.appendUnchecked("status", .string(status.rawValue))
        object.appendUnchecked("result", result)
        object.appendUnchecked("traceback", JSONValue(traceback))
        object.appendUnchecked("children", children.map { .array($0) } ?? .null)
        object.appendUnchecked("date_done", dateDone.map { .string(Self.formatDate($0, style: dateStyle)) } ?? .null)
        if let groupID { object.appendUnchecked("group_id", .string(groupID)) }
        if let parentID { object.appendUnchecked("parent_id", .string(parentID)) }
        if let extended {
            object.appendUnchecked("name", .string(extended.name))
            object.appendUnchecked("args", .array(extended.args))
            object.appendUnchecked("kwargs", .object(extended.kwargs))
            object.appendUnchecked("worker", .string(extended.worker))
            object.appendUnchecked("retries", .int(Int64(extended.retries)))
            object.appendUnchecked("queue", JSONValue(extended.queue))
        }
        object.appendUnchecked("task_id", .string(taskID))
        return object
    }

    /// The bytes to SETEX and PUBLISH.
    public func encoded(dateStyle: DateStyle = .aware) -> [UInt8] {
        JSONSerializer().serialize(.object(jsonObject(dateStyle: dateStyle)))
    }

    /// `date_done` text for an instant.
    public static func formatDate(_ time: Double, style: DateStyle) -> String {
        switch style {
        case .aware: ISODateTime(unixTime: time, utcOffset: 0).isoFormat()
        case .naiveUTC: ISODateTime(unixTime: time, utcOffset: nil).isoFormat()
        }
    }

    /// The magic prefix of Celery 5.7's compressed results.
    static let compressedMagic = Array("\u{0}celery-compressed\u{0}".utf8)

    /// Reads a stored document (JSON, or Celery 5.7's `\0celery-compressed\0<type>\0<data>`).
    public static func decode(_ bytes: [UInt8]) throws(CeleryWireError) -> ResultRecord {
        var payload = bytes
        if bytes.starts(with: compressedMagic) {
            let rest = bytes.dropFirst(compressedMagic.count)
            guard let separator = rest.firstIndex(of: 0) else {
                throw CeleryWireError(.malformedBody, field: "result", message: "truncated compressed result header")
            }
            let type = String(decoding: rest[rest.startIndex..<separator], as: UTF8.self)
            payload = try BodyCodec.decompress(Array(rest[(separator + 1)...]), compression: type)
        }
        guard case .object(let object) = try JSONParser().parse(payload, field: "result") else {
            throw CeleryWireError(
                .malformedBody, field: "result", expected: "object", message: "the meta is not an object")
        }
        guard let status = object["status"]?.stringValue else {
            throw CeleryWireError(.missingField, field: "status", expected: "string", message: "the meta has no status")
        }
        guard let taskID = object["task_id"]?.stringValue else {
            throw CeleryWireError(
                .missingField, field: "task_id", expected: "string", message: "the meta has no task_id")
        }
        var dateDone: Double?
        if let text = object["date_done"]?.stringValue {
            guard let parsed = ISODateTime.parse(text) else {
                throw CeleryWireError(.invalidDate, field: "date_done", expected: "ISO-8601", message: "bad date_done")
            }
            dateDone = parsed.unixTime()
        }
        var extended: Extended?
        if let name = object["name"]?.stringValue {
            extended = Extended(
                name: name, args: object["args"]?.arrayValue ?? [], kwargs: object["kwargs"]?.objectValue ?? [:],
                worker: object["worker"]?.stringValue ?? "", retries: Int(object["retries"]?.intValue ?? 0),
                queue: object["queue"]?.stringValue)
        }
        return ResultRecord(
            taskID: taskID, status: TaskState(rawValue: status), result: object["result"] ?? .null,
            traceback: object["traceback"]?.stringValue, children: object["children"]?.arrayValue,
            dateDone: dateDone, groupID: object["group_id"]?.stringValue, parentID: object["parent_id"]?.stringValue,
            extended: extended)
    }
}
