/// Page geometry shared by both reports (US Letter, margins 15/15/20/10 mm).
enum ReportLayout {
    static let marginLeft = 42.52
    static let marginTop = 56.69
    static let marginBottom = 28.35
    static let usableWidth = 612 - 2 * marginLeft  // 526.96
    static let top = 792 - marginTop  // 735.31
    static let centreX = 306.0
    static let lineAdvance = 10.8

    static let grey = PDFColor(hex: 0xDCDCDC)
}
