import CeleryWorker
import Testing

/// The delivery state machine, event by event, with no Redis: every cell of the state × event
/// table in the README's "Runtime core" section names one of these tests.
@Suite struct DeliveryStateMachineTests {
    typealias Machine = DeliveryStateMachine<String>

    static func task(
        _ id: String, eta: Double? = nil, expires: Double? = nil, late: Bool = false, redelivered: Bool = false
    )
        -> Machine.Arrival
    {
        .task(.init(taskID: id, eta: eta, expires: expires, acksLate: late, redelivered: redelivered))
    }

    @Test func receiveQueuesAndCountsAgainstPrefetch() {
        var machine = Machine(prefetchLimit: 2)
        #expect(machine.receive(tag: "a", Self.task("1"), message: "m1", now: 10) == .enqueue)
        #expect(machine.room == 1)
        #expect(machine.receive(tag: "b", Self.task("2"), message: "m2", now: 10) == .enqueue)
        #expect(machine.room == 0)
        #expect(machine.entries["a"]?.phase == .reserved)
    }

    @Test func etaMessagesAreScheduledOutsideThePrefetchLimit() {
        var machine = Machine(prefetchLimit: 1)
        #expect(machine.receive(tag: "a", Self.task("1", eta: 70), message: "m", now: 10) == .schedule(after: 60))
        #expect(machine.room == 1)
        #expect(machine.entries["a"]?.phase == .scheduled)
        let due = machine.etaPassed(tag: "a")
        #expect(due == .enqueue)
        #expect(machine.room == 0)
        let again = machine.etaPassed(tag: "a")
        #expect(again == .none)  // once only
    }

    @Test func revokedAndExpiredAreDiscardedOnReceive() {
        var machine = Machine(prefetchLimit: 4)
        machine.revoke(["1"])
        #expect(machine.receive(tag: "a", Self.task("1"), message: "m", now: 10) == .discard(.revoked))
        #expect(machine.receive(tag: "b", Self.task("2", expires: 5), message: "m", now: 10) == .discard(.expired))
        #expect(machine.entries.isEmpty && machine.room == 4)
        #expect(machine.revoked.contains("2"))
    }

    @Test func undecodableAndUnregisteredAreRejectedOrForwarded() {
        var machine = Machine(prefetchLimit: 4)
        #expect(machine.receive(tag: "a", .undecodable, message: "m", now: 10) == .reject)
        #expect(machine.receive(tag: "b", .unregistered(forward: false), message: "m", now: 10) == .reject)
        #expect(machine.receive(tag: "c", .unregistered(forward: true), message: "m", now: 10) == .forward)
        #expect(machine.entries.isEmpty)
    }

    @Test func revokedWhileScheduledIsDiscardedAtItsEta() {
        var machine = Machine(prefetchLimit: 4)
        _ = machine.receive(tag: "a", Self.task("1", eta: 70), message: "m", now: 10)
        machine.revoke(["1"])
        #expect(machine.etaPassed(tag: "a") == .discard(.revoked))
        #expect(machine.entries.isEmpty)
    }

    @Test func earlyAckAcknowledgesBeforeRunningAndFreesTheSlot() {
        var machine = Machine(prefetchLimit: 1)
        _ = machine.receive(tag: "a", Self.task("1"), message: "m", now: 10)
        #expect(machine.start(tag: "a", now: 11) == .run(acknowledgeFirst: true, checkStoredResult: false))
        #expect(machine.room == 1 && machine.running == 1)
        machine.bodyReturned(tag: "a")
        #expect(machine.complete(tag: "a", .done) == .none)  // acknowledged already
        #expect(machine.processed == 1 && machine.entries.isEmpty)
    }

    @Test func acksLateAcknowledgesOnlyAfterTheWork() {
        var machine = Machine(prefetchLimit: 1)
        _ = machine.receive(tag: "a", Self.task("1", late: true), message: "m", now: 10)
        #expect(machine.start(tag: "a", now: 11) == .run(acknowledgeFirst: false, checkStoredResult: false))
        #expect(machine.room == 0)
        machine.bodyReturned(tag: "a")
        #expect(machine.entries["a"]?.phase == .finishing)
        #expect(machine.complete(tag: "a", .done) == .acknowledge)
        #expect(machine.complete(tag: "a", .done) == .none)  // never twice
        #expect(machine.room == 1)
    }

    @Test func rejectWithRequeueGoesBackToTheQueue() {
        var machine = Machine(prefetchLimit: 1)
        _ = machine.receive(tag: "a", Self.task("1", late: true), message: "m", now: 10)
        _ = machine.start(tag: "a", now: 11)
        machine.bodyReturned(tag: "a")
        #expect(machine.complete(tag: "a", .requeue) == .requeue)
    }

    @Test func redeliveredMessagesAreCheckedForAStoredSuccess() {
        var machine = Machine(prefetchLimit: 1)
        _ = machine.receive(tag: "a", Self.task("1", late: true, redelivered: true), message: "m", now: 10)
        #expect(machine.start(tag: "a", now: 11) == .run(acknowledgeFirst: false, checkStoredResult: true))
        #expect(machine.complete(tag: "a", .duplicate) == .acknowledge)
        #expect(machine.processed == 0 && machine.duplicatesSkipped == 1 && machine.running == 0)
    }

    @Test func startDiscardsWhatWasRevokedOrExpiredMeanwhile() {
        var machine = Machine(prefetchLimit: 2)
        _ = machine.receive(tag: "a", Self.task("1"), message: "m", now: 10)
        _ = machine.receive(tag: "b", Self.task("2"), message: "m", now: 10)
        machine.revoke(["1"])
        #expect(machine.start(tag: "a", now: 11) == .discard(.revoked))
        #expect(machine.start(tag: "b", now: 11, expires: 10.5) == .discard(.expired))
        #expect(machine.entries.isEmpty && machine.room == 2)
        #expect(machine.start(tag: "zz", now: 11) == .none)
    }

    @Test func warmShutdownPutsBackWhatHasNotStartedAndLetsRunningFinish() {
        var machine = Machine(prefetchLimit: 8)
        _ = machine.receive(tag: "run", Self.task("1", late: true), message: "m", now: 1)
        _ = machine.start(tag: "run", now: 2)
        _ = machine.receive(tag: "old", Self.task("2"), message: "m", now: 3)
        _ = machine.receive(tag: "new", Self.task("3"), message: "m", now: 4)
        _ = machine.receive(tag: "eta", Self.task("4", eta: 100), message: "m", now: 5)
        let action = machine.beginWarmShutdown()
        #expect(action.began && action.running == 1)
        #expect(action.restore == ["eta", "new", "old"])  // newest first: the oldest is consumed next
        #expect(machine.room == 0 && !machine.isDrained)
        #expect(machine.start(tag: "old", now: 6) == .none)  // taken from the ready queue after the stop
        #expect(machine.receive(tag: "late", Self.task("5"), message: "m", now: 6) == .putBack)
        machine.bodyReturned(tag: "run")
        #expect(machine.complete(tag: "run", .done) == .acknowledge)
        #expect(machine.isDrained)
        #expect(!machine.beginWarmShutdown().began)
    }

    @Test func coldShutdownPutsBackEveryUnacknowledgedMessageIncludingRunningOnes() {
        var machine = Machine(prefetchLimit: 8)
        _ = machine.receive(tag: "late", Self.task("1", late: true), message: "m", now: 1)
        _ = machine.start(tag: "late", now: 2)
        _ = machine.receive(tag: "early", Self.task("2"), message: "m", now: 3)
        _ = machine.start(tag: "early", now: 4)
        _ = machine.receive(tag: "waiting", Self.task("3"), message: "m", now: 5)
        let action = machine.beginColdShutdown()
        #expect(action.began && action.running == 2)
        #expect(action.restore == ["waiting", "late"])  // the early-acked one is not in unacked any more
        // The restored message keeps its tag: acknowledging it now would delete another worker's reservation.
        machine.bodyReturned(tag: "late")
        #expect(machine.complete(tag: "late", .done) == .none)
        #expect(machine.mode == .cold && machine.isDrained)
        #expect(!machine.beginColdShutdown().began)
    }

    @Test func coldAfterWarmRestoresTheRunningAcksLateMessages() {
        var machine = Machine(prefetchLimit: 8)
        _ = machine.receive(tag: "late", Self.task("1", late: true), message: "m", now: 1)
        _ = machine.start(tag: "late", now: 2)
        _ = machine.receive(tag: "waiting", Self.task("2"), message: "m", now: 3)
        #expect(machine.beginWarmShutdown().restore == ["waiting"])
        #expect(machine.beginColdShutdown().restore == ["late"])
    }

    @Test func aDuplicateTagReplacesItsEntryWithoutLeakingASlot() {
        var machine = Machine(prefetchLimit: 2)
        _ = machine.receive(tag: "a", Self.task("1"), message: "m", now: 1)
        _ = machine.receive(tag: "a", Self.task("1"), message: "m", now: 2)
        #expect(machine.room == 1)
        _ = machine.start(tag: "a", now: 3)
        machine.bodyReturned(tag: "a")
        _ = machine.complete(tag: "a", .done)
        #expect(machine.room == 2 && machine.entries.isEmpty)
    }

    @Test func fetchesComeInBatchesWhileWorkIsWaiting() {
        var machine = Machine(prefetchLimit: 8)
        #expect(machine.fetchSize(lowWater: 2) == 8)  // nothing waiting: take all the room
        for index in 0..<8 { _ = machine.receive(tag: "t\(index)", Self.task("\(index)"), message: "m", now: 1) }
        #expect(machine.fetchSize(lowWater: 2) == 0)
        _ = machine.start(tag: "t0", now: 2)  // early ack: one slot free, 7 still waiting
        #expect(machine.room == 1 && machine.waiting == 7 && machine.fetchSize(lowWater: 2) == 0)
        _ = machine.start(tag: "t1", now: 2)
        #expect(machine.fetchSize(lowWater: 2) == 2)  // a batch of two
        for index in 2..<7 { _ = machine.start(tag: "t\(index)", now: 3) }
        #expect(machine.waiting == 1 && machine.fetchSize(lowWater: 2) == 7)  // running short: whatever fits
    }

    @Test func revokedIdsAreBoundedOldestFirst() {
        var set = RevokedSet(maximum: 3)
        for id in ["a", "b", "c", "d"] { set.insert(id) }
        set.insert("d")
        #expect(!set.contains("a") && set.contains("b") && set.contains("d") && set.count == 3)
    }

    @Test func reconnectBackoffIsCappedAtOneSecondAndLogsOncePerOutage() {
        var policy = ReconnectPolicy()
        let delays = (0..<6).map { _ in policy.failed() }
        #expect(delays.map(\.delay) == [0.1, 0.2, 0.4, 0.8, 1, 1])
        #expect(delays.map(\.beginsOutage) == [true, false, false, false, false, false])
        let ended = policy.succeeded()
        let endedAgain = policy.succeeded()
        #expect(ended && !endedAgain)
        let next = policy.failed()
        #expect(next.delay == 0.1 && next.beginsOutage)
        #expect(
            ReconnectPolicy.outageMessage(
                url: "redis://:**@h:6379/0", reason: "Error 111 connecting to h:6379. Connection refused.", delay: 0.4)
                == "Cannot connect to redis://:**@h:6379/0: Error 111 connecting to h:6379. Connection refused..\nTrying again in 0.40 seconds...\n"
        )
    }
}
