import CeleryWorker
import Testing

/// The early-ack gate, with no I/O: acks wait for the barrier on the result writer, and a kill at
/// any instant leaves at most one acknowledged, unwritten task per slot.
@Suite struct EarlyAckGateTests {
    @Test func theFirstAckTakesABarrierAndLaterOnesWaitForTheNext() {
        var gate = EarlyAckGate()
        let first = gate.request("a"), second = gate.request("b"), third = gate.request("c")
        #expect(first && !second && !third)
        #expect(gate.pending == 3)
        let passed = gate.barrierPassed()
        #expect(passed == .init(acks: ["a"], takeBarrier: true))
        let passedAgain = gate.barrierPassed()
        #expect(passedAgain == .init(acks: ["b", "c"], takeBarrier: false))
        #expect(gate.pending == 0 && !gate.barrierInFlight)
        let idle = gate.request("d")
        #expect(idle)  // idle again: the next ack takes its own barrier
    }

    @Test func anAckRequestedWhileABarrierIsOutNeverRidesOnIt() {
        var gate = EarlyAckGate()
        _ = gate.request("a")
        _ = gate.request("b")
        let release = gate.barrierPassed()
        #expect(!release.acks.contains("b"))
        #expect(gate.behindBarrier == ["b"] && gate.barrierInFlight)
    }

    /// A writer that sends the results and barriers in queue order, a prefix at a time, as the
    /// pipeline thread does; acks go out on their own connection the moment they are released.
    struct Simulation {
        enum Item: Equatable {
            case result(Int)
            case barrier
        }

        let slots: Int
        let gated: Bool
        var gate = EarlyAckGate()
        var queue: [Item] = []
        var running: Set<Int> = []
        var acked: Set<Int> = []
        var written: Set<Int> = []
        var next = 0
        var worstLoss = 0

        mutating func start() {
            let id = next
            next += 1
            running.insert(id)
            if !gated {
                acked.insert(id)
            } else if gate.request(String(id)) {
                queue.append(.barrier)
            }
        }

        mutating func finish(_ id: Int) {
            running.remove(id)
            queue.append(.result(id))
        }

        mutating func write(_ count: Int) {
            for _ in 0..<min(count, queue.count) {
                switch queue.removeFirst() {
                case .result(let id):
                    written.insert(id)
                case .barrier:
                    let release = gate.barrierPassed()
                    for tag in release.acks { acked.insert(Int(tag)!) }
                    if release.takeBarrier { queue.append(.barrier) }
                }
            }
        }

        /// What a kill -9 now loses: acknowledged, and its result not in the socket.
        var lossAtKill: Int { acked.subtracting(written).count }

        mutating func step(_ random: inout some RandomNumberGenerator) {
            switch Int.random(in: 0..<3, using: &random) {
            case 0 where running.count < slots: start()
            case 1 where !running.isEmpty: finish(running.randomElement(using: &random)!)
            default: write(Int.random(in: 0...3, using: &random))
            }
            worstLoss = max(worstLoss, lossAtKill)
        }
    }

    /// A seeded generator, so a failure can be replayed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(arguments: [1, 2, 4, 8])
    func aKillAtAnyInstantLosesAtMostOneTaskPerSlot(slots: Int) {
        var gatedWorst = 0, ungatedWorst = 0
        for seed in 0..<200 {
            var random = SplitMix(state: UInt64(seed))
            var gated = Simulation(slots: slots, gated: true)
            var ungated = Simulation(slots: slots, gated: false)
            for _ in 0..<400 { gated.step(&random) }
            random = SplitMix(state: UInt64(seed))
            for _ in 0..<400 { ungated.step(&random) }
            gatedWorst = max(gatedWorst, gated.worstLoss)
            ungatedWorst = max(ungatedWorst, ungated.worstLoss)
            // Everything drains: each task started is acknowledged once its results are out.
            for id in gated.running { gated.finish(id) }
            while !gated.queue.isEmpty { gated.write(1) }
            #expect(gated.acked.count == gated.next && gated.written.count == gated.next)
        }
        #expect(gatedWorst <= slots, "worst loss \(gatedWorst) with \(slots) slots")
        // Without the gate a kill can lose finished tasks too: the bound above is not vacuous.
        #expect(ungatedWorst > slots, "ungated worst loss \(ungatedWorst) with \(slots) slots")
    }
}
