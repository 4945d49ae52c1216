import Foundation

/// The document information dictionary.
public struct PDFDocumentInfo: Sendable {
    public var title: String
    public var author: String
    public var subject: String
    public var creator: String
    public var producer: String
    /// Written as a PDF date in UTC.
    public var creationDate: Date

    /// Creates the dictionary; `producer` names this writer unless given.
    public init(
        title: String = "", author: String = "", subject: String = "", creator: String = "",
        producer: String = "sigma-worker SigmaDocuments", creationDate: Date = Date()
    ) {
        self.title = title
        self.author = author
        self.subject = subject
        self.creator = creator
        self.producer = producer
        self.creationDate = creationDate
    }
}
