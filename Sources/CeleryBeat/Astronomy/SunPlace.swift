import Foundation

/// The Sun's apparent place at an instant: right ascension and declination of date, its
/// angular radius and the Greenwich apparent sidereal time, from the series of Meeus,
/// *Astronomical Algorithms* (2nd ed., chapters 10, 12, 22 and 25). About 0.01° in position,
/// which is a few seconds of time for a rising or a setting at moderate latitudes.
public struct SunPlace: Sendable, Hashable {
    /// Apparent right ascension, radians in [0, 2π).
    public let rightAscension: Double
    /// Apparent declination, radians.
    public let declination: Double
    /// Angular radius (semi-diameter), radians.
    public let radius: Double
    /// Greenwich apparent sidereal time, radians in [0, 2π).
    public let siderealTime: Double

    static let degree = Double.pi / 180

    /// The Julian day (UT) of a Unix time in seconds.
    public static func julianDay(_ unixSeconds: Double) -> Double { unixSeconds / 86_400 + 2_440_587.5 }

    /// TT − UT in seconds (the NASA polynomial for 2005–2050, extended either side; it moves
    /// the Sun by well under a second of time).
    static func deltaT(julianDay: Double) -> Double {
        let year = 2000 + (julianDay - 2_451_545) / 365.25
        let t = year - 2000
        return 62.92 + 0.322_17 * t + 0.005_589 * t * t
    }

    /// - Parameter unixSeconds: the instant, seconds since the epoch (UTC).
    public init(unixSeconds: Double) {
        let jd = Self.julianDay(unixSeconds)
        let jde = jd + Self.deltaT(julianDay: jd) / 86_400
        let t = (jde - 2_451_545) / 36_525
        let degree = Self.degree
        // Geometric mean longitude and anomaly, eccentricity (Meeus 25.2–25.4).
        let meanLongitude = 280.466_46 + 36_000.769_83 * t + 0.000_303_2 * t * t
        let anomaly = (357.529_11 + 35_999.050_29 * t - 0.000_153_7 * t * t) * degree
        let eccentricity = 0.016_708_634 - 0.000_042_037 * t - 0.000_000_126_7 * t * t
        let center =
            (1.914_602 - 0.004_817 * t - 0.000_014 * t * t) * sin(anomaly)
            + (0.019_993 - 0.000_101 * t) * sin(2 * anomaly) + 0.000_289 * sin(3 * anomaly)
        let trueLongitude = meanLongitude + center
        let trueAnomaly = anomaly + center * degree
        let distance = 1.000_001_018 * (1 - eccentricity * eccentricity) / (1 + eccentricity * cos(trueAnomaly))
        // Nutation (the main terms of chapter 22) and aberration.
        let node = (125.044_52 - 1_934.136_261 * t) * degree
        let sunMean = (280.4665 + 36_000.7698 * t) * degree
        let moonMean = (218.3165 + 481_267.8813 * t) * degree
        let nutationLongitude =
            (-17.20 * sin(node) - 1.32 * sin(2 * sunMean) - 0.23 * sin(2 * moonMean) + 0.21 * sin(2 * node)) / 3600
        let nutationObliquity =
            (9.20 * cos(node) + 0.57 * cos(2 * sunMean) + 0.10 * cos(2 * moonMean) - 0.09 * cos(2 * node)) / 3600
        let aberration = -20.4898 / 3600 / distance
        let longitude = (trueLongitude + nutationLongitude + aberration) * degree
        let meanObliquity = 23.439_291_111 - (46.8150 * t + 0.000_59 * t * t - 0.001_813 * t * t * t) / 3600
        let obliquity = (meanObliquity + nutationObliquity) * degree
        var ra = atan2(cos(obliquity) * sin(longitude), cos(longitude))
        if ra < 0 { ra += 2 * .pi }
        rightAscension = ra
        declination = asin(sin(obliquity) * sin(longitude))
        // 959.63″ at one astronomical unit.
        radius = 959.63 / 3600 * degree / distance
        // Mean sidereal time at Greenwich (12.4, on UT) plus the equation of the equinoxes.
        let d = jd - 2_451_545
        let tu = d / 36_525
        var mean = 280.460_618_37 + 360.985_647_366_29 * d + 0.000_387_933 * tu * tu - tu * tu * tu / 38_710_000
        mean += nutationLongitude * cos(obliquity)
        mean = mean.truncatingRemainder(dividingBy: 360)
        if mean < 0 { mean += 360 }
        siderealTime = mean * degree
    }
}
