import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Date {
    /// RFC 5322 date in UTC with the `-0000` zone, e.g. `Tue, 25 Nov 2025 04:27:00 -0000`.
    var rfc5322: String {
        let t = utcComponents
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(days[Int(t.tm_wday)]), \(pad(t.tm_mday)) \(months[Int(t.tm_mon)]) \(t.tm_year + 1900) "
            + "\(pad(t.tm_hour)):\(pad(t.tm_min)):\(pad(t.tm_sec)) -0000"
    }

    /// `YYYYMMDDHHMMSS` in UTC.
    var compactUTC: String {
        let t = utcComponents
        return
            "\(t.tm_year + 1900)\(pad(t.tm_mon + 1))\(pad(t.tm_mday))\(pad(t.tm_hour))\(pad(t.tm_min))\(pad(t.tm_sec))"
    }

    /// `YYYYMMDD-HHMMSS` in UTC (file backend names).
    var fileStampUTC: String {
        let t = utcComponents
        return
            "\(t.tm_year + 1900)\(pad(t.tm_mon + 1))\(pad(t.tm_mday))-\(pad(t.tm_hour))\(pad(t.tm_min))\(pad(t.tm_sec))"
    }

    private var utcComponents: tm {
        var seconds = time_t(timeIntervalSince1970.rounded(.down))
        var result = tm()
        gmtime_r(&seconds, &result)
        return result
    }

    private func pad(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
