import CeleryTestTasks
import CeleryWire
import CeleryWorkerTestSupport
import Foundation
import Logging
import Synchronization
import Testing

@testable import CeleryWorker

/// The intake, the executor and the delivery state machine together on the in-memory broker and
/// result store: Celery's ack model, retries and refusals, with no Redis and no Python.
@Suite(.timeLimit(.minutes(1)))
struct InMemoryExecutionTests {
    let journal = Journal()
    let broker: InMemoryBroker
    let results: InMemoryResultStore
    let runs = RunCounter()

    init() {
        broker = InMemoryBroker(journal: journal)
        results = InMemoryResultStore(journal: journal)
    }

    /// Counts how often a task body ran.
    final class RunCounter: Sendable {
        private let count = Mutex(0)
        func increment() { count.withLock { $0 += 1 } }
        var value: Int { count.withLock { $0 } }
    }

    func runtime(acksLate: Bool = false) -> WorkerRuntime {
        var configuration = WorkerConfiguration(queues: ["q"], concurrency: 2, hostname: "memory@localhost")
        configuration.acksLate = acksLate
        let registry = TaskRegistry()
        IntegrationTasks.register(into: registry)
        let runs = self.runs
        registry.register(TaskOptions(name: "test.counted"), signature: TaskSignature(functionName: "counted")) { _ in
            runs.increment()
            return 42
        }
        registry.register(
            TaskOptions(name: "test.rejects"), signature: TaskSignature(functionName: "rejects")
        ) { _ in throw TaskReject("no thanks", requeue: true) }
        return WorkerRuntime(
            configuration: configuration, registry: registry,
            logger: Logger(label: "memory") { _ in SwiftLogNoOpLogHandler() },
            broker: broker, results: results)
    }

    /// A message as the consumer hands it over once reserved.
    func message(_ task: String, args: [JSONValue] = [], redelivered: Bool = false) -> (TaskMessage, Consumer.Popped) {
        var message = TaskMessage(task: task, args: args, routingKey: "q")
        message.id = TaskMessage.newID()
        var envelope = message.envelope
        if redelivered { envelope = envelope.markedRedelivered() }
        return (
            message,
            Consumer.Popped(key: "q", queue: "q", raw: envelope.encoded(), tag: Array(message.deliveryTag.utf8))
        )
    }

    /// Admits the messages and runs whatever reaches the ready queue, one by one.
    func drain(_ runtime: WorkerRuntime, _ popped: [Consumer.Popped]) async {
        DeliveryIntake(runtime: runtime).admit(popped)
        let executor = TaskExecutor(runtime: runtime)
        while runtime.deliveries.withLock({ $0.waiting }) > 0, let next = await runtime.ready.take() {
            await executor.execute(next)
        }
        await runtime.sideTasks.wait()
    }

    @Test func earlyAckAcknowledgesBeforeTheBodyAndStoresTheResult() async {
        let runtime = runtime()
        let (sent, popped) = message("test.counted")
        await drain(runtime, [popped])
        #expect(runs.value == 1)
        let ack = journal.index(of: "ack \(sent.deliveryTag)"), store = journal.index(of: "store \(sent.id) SUCCESS")
        #expect(ack != nil && store != nil && ack! < store!, "\(journal.entries)")
        #expect(results.record(sent.id)?.result == 42)
        #expect(runtime.processed == 1 && runtime.room == runtime.configuration.prefetchLimit)
    }

    /// The early-ack gate: a slot moves on before its result is written, so the next task's ack
    /// must wait for that write, or a kill -9 would lose a finished task that is not running.
    @Test func anEarlyAckNeverOvertakesAResultFinishedBeforeItsTaskStarted() async {
        let runtime = runtime()
        results.holdWrites()
        let (first, firstPopped) = message("test.counted")
        let (second, secondPopped) = message("test.counted")
        await drain(runtime, [firstPopped, secondPopped])
        #expect(runs.value == 2)
        #expect(!journal.entries.contains { $0.hasPrefix("ack") }, "\(journal.entries)")
        #expect(runtime.earlyAcks.pending == 2)
        results.releaseWrites()
        let firstAck = journal.index(of: "ack \(first.deliveryTag)")
        let firstStore = journal.index(of: "store \(first.id) SUCCESS")
        let secondAck = journal.index(of: "ack \(second.deliveryTag)")
        #expect(firstAck != nil && firstStore != nil && secondAck != nil, "\(journal.entries)")
        #expect(firstStore! < secondAck!, "\(journal.entries)")
        #expect(runtime.earlyAcks.pending == 0)
        await runtime.earlyAcks.flush(within: 1)
    }

    @Test func acksLateAcknowledgesOnlyAfterTheResultIsStored() async {
        let runtime = runtime(acksLate: true)
        let (sent, popped) = message("t.integration.tasks.add", args: [2, 3])
        await drain(runtime, [popped])
        let ack = journal.index(of: "ack \(sent.deliveryTag)"), store = journal.index(of: "store \(sent.id) SUCCESS")
        #expect(ack != nil && store != nil && store! < ack!, "\(journal.entries)")
        #expect(journal.entries.filter { $0.hasPrefix("ack") }.count == 1)
    }

    @Test func aRefusedResultWriteIsRetriedAndTheAckWaitsForIt() async {
        let runtime = runtime(acksLate: true)
        results.refuseWrites(2)
        let (sent, popped) = message("t.integration.tasks.add", args: [2, 3])
        await drain(runtime, [popped])
        #expect(journal.entries.filter { $0 == "refused store \(sent.id)" }.count == 2)
        let ack = journal.index(of: "ack \(sent.deliveryTag)"), store = journal.index(of: "store \(sent.id) SUCCESS")
        #expect(ack != nil && store != nil && store! < ack!, "\(journal.entries)")
    }

    @Test func aRetryWhosePublishIsRefusedIsPublishedLaterNotDropped() async {
        let runtime = runtime(acksLate: true)
        broker.refusePublishes(2)
        let (sent, popped) = message("t.integration.tasks.retry_once")
        await drain(runtime, [popped])
        #expect(journal.entries.filter { $0 == "refused publish \(sent.id)" }.count == 2)
        let publish = journal.index(of: "publish \(sent.id)"), ack = journal.index(of: "ack \(sent.deliveryTag)")
        #expect(publish != nil && ack != nil && publish! < ack!, "\(journal.entries)")
        #expect(results.record(sent.id)?.status == .retry)
        let republished = broker.published.first.flatMap { try? TaskRequest.decode(envelope: $0) }
        #expect(republished?.id == sent.id && republished?.retries == 1)
    }

    @Test func aRedeliveredMessageWhoseSuccessIsStoredDoesNotRunAgain() async throws {
        let runtime = runtime(acksLate: true)
        let (sent, popped) = message("test.counted", redelivered: true)
        _ = try await results.store(ResultRecord(taskID: sent.id, status: .success, result: 42, dateDone: 1))
        await drain(runtime, [popped])
        #expect(runs.value == 0)
        #expect(journal.index(of: "ack \(sent.deliveryTag)") != nil)
        #expect(runtime.deliveries.withLock { $0.duplicatesSkipped } == 1)
    }

    @Test func revokedMessagesAreStoredRevokedAndAcknowledgedWithoutRunning() async {
        let runtime = runtime()
        let (sent, popped) = message("test.counted")
        runtime.revoke([sent.id])
        await drain(runtime, [popped])
        #expect(runs.value == 0)
        #expect(journal.entries.contains("store \(sent.id) REVOKED"))
        #expect(journal.index(of: "ack \(sent.deliveryTag)") != nil)
    }

    @Test func rejectWithRequeueGoesBackToTheEndOfItsQueue() async {
        let runtime = runtime(acksLate: true)
        let (sent, popped) = message("test.rejects")
        await drain(runtime, [popped])
        #expect(journal.entries.contains("requeue \(sent.deliveryTag)"))
        #expect(journal.index(of: "ack \(sent.deliveryTag)") == nil)
    }

    @Test func unregisteredAndUndecodableMessagesAreAcknowledgedWithAFailure() async {
        let runtime = runtime()
        let (unknown, unknownPopped) = message("python.only.task")
        let garbage = Consumer.Popped(key: "q", queue: "q", raw: Array("{\"x\": 1}".utf8), tag: Array("bad-tag".utf8))
        await drain(runtime, [unknownPopped, garbage])
        #expect(results.record(unknown.id)?.status == .failure)
        #expect(journal.entries.contains("ack \(unknown.deliveryTag)") && journal.entries.contains("ack bad-tag"))
    }

    /// At most `limit` results are queued and unwritten: the next slot waits until one is written.
    @Test func unwrittenResultsAreBoundedByTheConcurrency() async throws {
        let unwritten = UnwrittenResults(limit: 2)
        await unwritten.reserve()
        await unwritten.reserve()
        let third = Task { await unwritten.reserve() }
        try await Task.sleep(nanoseconds: 50_000_000)
        #expect(unwritten.count == 2)  // the third waits
        unwritten.written()  // its place passes to the waiting slot
        await third.value
        #expect(unwritten.count == 2)
        unwritten.written()
        unwritten.written()
        #expect(unwritten.count == 0)
    }

    @Test func warmShutdownPutsBackWhatDidNotStart() async {
        let runtime = runtime()
        let (first, a) = message("test.counted")
        let (second, b) = message("test.counted")
        DeliveryIntake(runtime: runtime).admit([a, b])
        await runtime.beginWarmShutdown()
        #expect(
            journal.entries.contains("restore \(first.deliveryTag)")
                && journal.entries.contains("restore \(second.deliveryTag)"))
        if let stale = await runtime.ready.take() { await TaskExecutor(runtime: runtime).execute(stale) }
        #expect(runs.value == 0)
    }
}
