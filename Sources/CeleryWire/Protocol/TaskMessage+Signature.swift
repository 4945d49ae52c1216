extension TaskMessage {
    /// The message `Signature.apply_async` sends from inside a task (link, link_error, chain
    /// step, chord body): the parent's result is prepended to the arguments unless the signature
    /// is immutable; `root_id` and `parent_id` propagate; the signature's options give the queue,
    /// routing key, exchange, group, priority, `reply_to`, time limits, expiry, countdown or ETA,
    /// links, errbacks and chord.
    /// - Parameters:
    ///   - signature: what to send.
    ///   - result: the parent's result, or nil (errbacks, immutable signatures).
    ///   - parent: the task sending it.
    ///   - chain: the rest of the chain, which travels with the message.
    ///   - defaultQueue: `task_default_queue`, when the options name none.
    ///   - origin: the sending node.
    ///   - now: seconds since the epoch, for a countdown.
    public init(
        applying signature: Signature, result: JSONValue?, parent: TaskRequest, chain: [Signature]? = nil,
        defaultQueue: String, origin: String, now: Double
    ) {
        let options = signature.options
        let queue = options["queue"]?.stringValue ?? defaultQueue
        let arguments: [JSONValue]
        if let result, !signature.immutable {
            arguments = [result] + signature.args
        } else {
            arguments = signature.args
        }
        self.init(
            id: signature.presetTaskID ?? TaskMessage.newID(), task: signature.task, args: arguments,
            kwargs: signature.kwargs, routingKey: options["routing_key"]?.stringValue ?? queue,
            exchange: options["exchange"]?.stringValue ?? "")
        rootID = parent.rootID ?? parent.id
        parentID = parent.id
        groupID = options["group_id"]?.stringValue
        groupIndex = options["group_index"]?.intValue.map(Int.init)
        priority = Int(options["priority"]?.intValue ?? 0)
        self.origin = origin
        replyTo = options["reply_to"]?.stringValue ?? parent.replyTo
        timeLimit = TimeLimit(hard: options["time_limit"]?.doubleValue, soft: options["soft_time_limit"]?.doubleValue)
        expires = options["expires"]?.stringValue
        if let countdown = options["countdown"]?.doubleValue {
            eta = ISODateTime(unixTime: now + countdown, utcOffset: 0).isoFormat()
        } else if let text = options["eta"]?.stringValue {
            eta = text
        }
        callbacks = try? Signature.list(options["link"], field: "options.link")
        errbacks = try? Signature.list(options["link_error"], field: "options.link_error")
        if callbacks?.isEmpty == true { callbacks = nil }
        if errbacks?.isEmpty == true { errbacks = nil }
        self.chain = chain
        if let body = options["chord"], let signature = try? Signature(decoding: body, field: "options.chord") {
            chord = signature
        }
    }
}
