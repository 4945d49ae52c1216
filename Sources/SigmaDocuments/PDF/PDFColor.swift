/// An RGB colour with components in 0...1.
public struct PDFColor: Sendable, Hashable {
    /// Red, green and blue in 0...1.
    public var red: Double
    public var green: Double
    public var blue: Double

    /// Creates a colour from components in 0...1.
    public init(red: Double, green: Double, blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// Creates a colour from a 0xRRGGBB value.
    public init(hex: UInt32) {
        self.red = Double((hex >> 16) & 0xFF) / 255
        self.green = Double((hex >> 8) & 0xFF) / 255
        self.blue = Double(hex & 0xFF) / 255
    }

    public static let black = PDFColor(hex: 0x000000)
    public static let white = PDFColor(hex: 0xFFFFFF)
}
