import Testing

@testable import SigmaDocuments

@Suite struct WinAnsiTests {
    @Test func mapsLatinAndSpecials() {
        #expect(WinAnsi.encode("Ñó€") == [0xD1, 0xF3, 0x80])
        #expect(WinAnsi.encode("a👍🏽b") == [0x61, 0x3F, 0x62])
        #expect(WinAnsi.encode("o\u{0301}") == [0xF3])
    }

    @Test func measuresWithAFMWidths() {
        // Helvetica-Bold "Formato RHITSO" at 16 pt, per the Adobe metrics.
        #expect(abs(PDFFont.helveticaBold.width(of: "Formato RHITSO", size: 16) - 128.896) < 0.0001)
    }
}
