/// When an early ack may go out, as a pure state machine.
///
/// With early ack a kill -9 may lose only the tasks executing at that instant, as Celery's prefork
/// pool does (its child writes a result before it takes the next task). Here a slot moves on while
/// its result write is still queued, and acks and results travel on different connections (often
/// different databases), so an ack could reach Redis before the results of tasks that finished
/// earlier: a kill then loses those too. The gate holds each early ack behind a barrier on the
/// result writer: an ack requested at time `t` goes out only once every result queued before `t`
/// is in the socket buffer. So whatever a kill leaves acknowledged and unwritten was started
/// before that barrier and still running when it was taken, at most one task per slot.
///
/// One barrier is in flight at a time; acks requested meanwhile wait for the next one, so the
/// cost is one barrier per result-writer round, not one per task.
public struct EarlyAckGate: Sendable, Hashable {
    /// Acks behind the barrier in flight.
    public private(set) var behindBarrier: [String] = []
    /// Acks requested after that barrier was taken: they need the next one.
    public private(set) var behindNext: [String] = []
    /// Whether a barrier is in flight.
    public private(set) var barrierInFlight = false

    public init() {}

    /// Acks not yet released.
    public var pending: Int { behindBarrier.count + behindNext.count }

    /// An ack was asked for. - Returns: true when the caller must take a barrier now.
    public mutating func request(_ tag: String) -> Bool {
        if barrierInFlight {
            behindNext.append(tag)
            return false
        }
        behindBarrier.append(tag)
        barrierInFlight = true
        return true
    }

    /// What to do once the barrier in flight has passed.
    public struct Release: Sendable, Hashable {
        /// Acks that may go out now.
        public var acks: [String]
        /// Whether the caller must take the next barrier (for the acks requested meanwhile).
        public var takeBarrier: Bool

        public init(acks: [String], takeBarrier: Bool) {
            self.acks = acks
            self.takeBarrier = takeBarrier
        }
    }

    /// The barrier in flight passed.
    public mutating func barrierPassed() -> Release {
        let released = behindBarrier
        behindBarrier = behindNext
        behindNext = []
        barrierInFlight = !behindBarrier.isEmpty
        return Release(acks: released, takeBarrier: barrierInFlight)
    }
}
