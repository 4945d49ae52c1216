import CeleryWire
import Testing

/// The chord join entry, byte for byte as Celery 5.7's Redis backend appends it.
@Suite struct ChordEntryTests {
    @Test func encodesAsCeleryAndReadsBack() {
        let entry = ChordEntry(taskID: "a1", state: .success, value: 42)
        #expect(String(decoding: entry.encoded(), as: UTF8.self) == #"[1, "a1", "SUCCESS", 42]"#)
        #expect(ChordEntry(decoding: entry.encoded()) == entry)
        #expect(!entry.failed)
        #expect(ChordEntry(taskID: "b", state: .revoked, value: nil).failed)
        #expect(ChordEntry(decoding: Array("[1, 2]".utf8)) == nil)
    }
}
