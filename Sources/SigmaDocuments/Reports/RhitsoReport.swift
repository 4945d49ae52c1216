import Foundation

/// Everything the RHITSO shipping form shows, already resolved by the task layer.
public struct RhitsoReport: Sendable {
    /// Company identity printed in the heading and the footer; supplied by the caller's
    /// country configuration.
    public struct Letterhead: Sendable {
        /// Second heading line (bold), e.g. the company name in capitals.
        public var companyHeading: String
        /// Third heading line (regular, small).
        public var countryHeading: String
        /// Footer lines, top to bottom: bold name, then address lines, then the contact line.
        public var footerName: String
        public var footerAddressLines: [String]
        public var footerContact: String

        /// Creates a letterhead.
        public init(
            companyHeading: String, countryHeading: String, footerName: String,
            footerAddressLines: [String], footerContact: String
        ) {
            self.companyHeading = companyHeading
            self.countryHeading = countryHeading
            self.footerName = footerName
            self.footerAddressLines = footerAddressLines
            self.footerContact = footerContact
        }
    }

    /// The authorization (password) image section.
    public enum Authorization: Sendable {
        /// The order has no authorization image: the form has one page.
        case none
        /// The order has one, but its file was not found.
        case missing
        /// The newest authorization image.
        case image(ReportImage)
    }

    /// Date shown in the FECHA cell, already formatted `dd/mm/YYYY` in the country's time zone.
    public var date: String
    /// `orden_cliente`, or `ORD-{id}` when empty.
    public var orderNumber: String
    public var model: String
    public var serialNumber: String
    /// `descripcion_rhitso`.
    public var reason: String
    public var hasCharger: Bool
    public var chargerSerialNumber: String
    public var sicLogo: ReportImage?
    public var rhitsoLogo: ReportImage?
    public var diagram: ReportImage?
    public var authorization: Authorization
    public var letterhead: Letterhead
    /// Document information (title, author, subject, creator).
    public var info: PDFDocumentInfo

    /// Creates a report; empty `model` and `reason` print as `N/A` and `No especificado`.
    public init(
        date: String, orderNumber: String, model: String, serialNumber: String, reason: String,
        hasCharger: Bool, chargerSerialNumber: String = "", sicLogo: ReportImage? = nil,
        rhitsoLogo: ReportImage? = nil, diagram: ReportImage? = nil, authorization: Authorization = .none,
        letterhead: Letterhead, info: PDFDocumentInfo = PDFDocumentInfo()
    ) {
        self.date = date
        self.orderNumber = orderNumber
        self.model = model
        self.serialNumber = serialNumber
        self.reason = reason
        self.hasCharger = hasCharger
        self.chargerSerialNumber = chargerSerialNumber
        self.sicLogo = sicLogo
        self.rhitsoLogo = rhitsoLogo
        self.diagram = diagram
        self.authorization = authorization
        self.letterhead = letterhead
        self.info = info
    }

    /// The order number as printed: `orden_cliente`, else `ORD-{database id}`.
    public static func orderNumber(clientOrder: String, orderID: Int) -> String {
        clientOrder.isEmpty ? "ORD-\(orderID)" : clientOrder
    }

    /// `RHITSO_{YYYYMMDD}_{serial}.pdf`, spaces and `/` in the serial replaced by `_`.
    public static func fileName(serialNumber: String, date: Date, timeZone: TimeZone) -> String {
        "RHITSO_\(ReportDate.compact(date, timeZone: timeZone))_\(ReportDate.sanitize(serialNumber)).pdf"
    }
}
