import Foundation

/// A page-by-page drawing surface that produces a PDF, modelled on reportlab's canvas so a
/// layout can be written as the same list of draw calls.
///
/// Coordinates are PDF points with the origin at the bottom-left of a US Letter page
/// (612 × 792). Text uses the standard Helvetica faces with WinAnsiEncoding.
public struct PDFCanvas: Sendable {
    /// US Letter.
    public static let pageWidth = 612.0
    public static let pageHeight = 792.0

    /// Document information written in the trailer's /Info dictionary.
    public var info: PDFDocumentInfo
    /// zlib level for page content streams (0 stores them uncompressed).
    public var contentCompressionLevel: Int

    var finishedPages: [[UInt8]] = []
    var content: [UInt8] = []
    var pageHasContent = false
    var images: [PDFImage] = []
    var pageImages: [[Int]] = []
    var currentPageImages: [Int] = []
    var font: PDFFont = .helvetica
    var fontSize = 12.0
    var fontDirty = true

    /// Starts an empty document.
    public init(info: PDFDocumentInfo = PDFDocumentInfo(), contentCompressionLevel: Int = 6) {
        self.info = info
        self.contentCompressionLevel = contentCompressionLevel
        content.reserveCapacity(8192)
    }

    /// Number of pages finished so far.
    public var pageCount: Int { finishedPages.count }

    // MARK: State

    /// Sets the colour used for fills and text.
    public mutating func setFillColor(_ color: PDFColor) {
        appendColor(color)
        append(" rg\n")
    }

    /// Sets the colour used for strokes.
    public mutating func setStrokeColor(_ color: PDFColor) {
        appendColor(color)
        append(" RG\n")
    }

    /// Sets the stroke width in points.
    public mutating func setLineWidth(_ width: Double) {
        appendNumber(width)
        append(" w\n")
    }

    /// Selects the font for the following text.
    public mutating func setFont(_ font: PDFFont, size: Double) {
        self.font = font
        self.fontSize = size
    }

    // MARK: Shapes

    /// Draws a rectangle with its lower-left corner at (x, y).
    public mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: Bool = false, stroke: Bool = true
    ) {
        guard fill || stroke else { return }
        appendNumber(x); append(" "); appendNumber(y); append(" ")
        appendNumber(width); append(" "); appendNumber(height)
        append(fill && stroke ? " re B\n" : fill ? " re f\n" : " re S\n")
        pageHasContent = true
    }

    /// Draws a straight line.
    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double) {
        appendNumber(x1); append(" "); appendNumber(y1); append(" m ")
        appendNumber(x2); append(" "); appendNumber(y2); append(" l S\n")
        pageHasContent = true
    }

    // MARK: Text

    /// Draws one line of text with its baseline starting at (x, y).
    public mutating func drawString(x: Double, y: Double, _ text: String) {
        drawEncoded(x: x, y: y, WinAnsi.encode(text))
    }

    /// Draws one line of text centred on x.
    public mutating func drawCentredString(x: Double, y: Double, _ text: String) {
        let bytes = WinAnsi.encode(text)
        drawEncoded(x: x - font.width(ofEncoded: bytes, size: fontSize) / 2, y: y, bytes)
    }

    /// Draws one line of text ending at x.
    public mutating func drawRightString(x: Double, y: Double, _ text: String) {
        let bytes = WinAnsi.encode(text)
        drawEncoded(x: x - font.width(ofEncoded: bytes, size: fontSize), y: y, bytes)
    }

    /// Draws lines of text, the first baseline at (x, y), each next one `leading` points lower.
    public mutating func drawLines(x: Double, y: Double, leading: Double, _ lines: [String]) {
        guard !lines.isEmpty else { return }
        append("BT /"); append(font.resourceName); append(" "); appendNumber(fontSize); append(" Tf ")
        appendNumber(leading); append(" TL "); appendNumber(x); append(" "); appendNumber(y); append(" Td\n")
        for (index, line) in lines.enumerated() {
            if index > 0 { append("T* ") }
            appendString(WinAnsi.encode(line))
            append(" Tj\n")
        }
        append("ET\n")
        pageHasContent = true
    }

    private mutating func drawEncoded(x: Double, y: Double, _ bytes: [UInt8]) {
        append("BT /"); append(font.resourceName); append(" "); appendNumber(fontSize); append(" Tf ")
        appendNumber(x); append(" "); appendNumber(y); append(" Td ")
        appendString(bytes)
        append(" Tj ET\n")
        pageHasContent = true
    }

    // MARK: Images

    /// Draws an image scaled to (width × height) with its lower-left corner at (x, y).
    public mutating func drawImage(_ image: PDFImage, x: Double, y: Double, width: Double, height: Double) {
        let index = images.count
        images.append(image)
        currentPageImages.append(index)
        append("q "); appendNumber(width); append(" 0 0 "); appendNumber(height); append(" ")
        appendNumber(x); append(" "); appendNumber(y); append(" cm /Im"); appendInt(index); append(" Do Q\n")
        pageHasContent = true
    }

    /// Fits an image inside a box keeping its aspect ratio (small images are enlarged), centres it,
    /// draws it and returns the rectangle used.
    @discardableResult
    public mutating func drawImage(_ image: PDFImage, fittingX x: Double, y: Double, width: Double, height: Double)
        -> (x: Double, y: Double, width: Double, height: Double)
    {
        let scale = min(width / Double(image.width), height / Double(image.height))
        let w = Double(image.width) * scale
        let h = Double(image.height) * scale
        let px = x + (width - w) / 2
        let py = y + (height - h) / 2
        drawImage(image, x: px, y: py, width: w, height: h)
        return (px, py, w, h)
    }

    // MARK: Pages

    /// Ends the current page and starts a new one.
    public mutating func showPage() {
        finishedPages.append(content)
        pageImages.append(currentPageImages)
        content = []
        content.reserveCapacity(8192)
        currentPageImages = []
        pageHasContent = false
    }

    /// Finishes the document (closing a page with pending drawing) and returns the PDF bytes.
    public mutating func finish() throws -> Data {
        if pageHasContent || finishedPages.isEmpty { showPage() }
        return try PDFSerializer.serialize(self)
    }
}
