import NIOCore
import PostgresNIO

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A `timestamptz` bind with exact microseconds.
///
/// PostgresNIO's own `Date` encoding truncates a floating-point product, which can store one
/// microsecond less than Django would; this writes the integer Django's driver would send.
struct PostgresTimestamp: PostgresNonThrowingEncodable, Encodable, Sendable {
    /// Microseconds since 1970-01-01 00:00:00 UTC.
    let microsecondsSince1970: Int64

    /// PostgreSQL's epoch, 2000-01-01, in microseconds after 1970-01-01.
    private static let postgresEpochOffset: Int64 = 946_684_800_000_000

    init(_ date: Date) {
        microsecondsSince1970 = DjangoTimestamp.microseconds(date)
    }

    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        byteBuffer.writeInteger(microsecondsSince1970 - Self.postgresEpochOffset)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Date(timeIntervalSince1970: Double(microsecondsSince1970) / 1_000_000))
    }
}
