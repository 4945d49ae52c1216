/// The Django settings that change what a template renders.
public struct TemplateSettings: Sendable, Hashable {
    /// `TIME_ZONE` (SIGMA: `UTC`).
    public var timeZone: String
    /// `USE_TZ`.
    public var useTZ: Bool
    /// `LANGUAGE_CODE` (SIGMA: `es-mx`).
    public var languageCode: String
    /// `STATIC_URL`.
    public var staticURL: String
    /// The time `{% now %}` shows (seconds since the epoch); nil: the clock.
    public var now: Double?

    public init(
        timeZone: String = "UTC", useTZ: Bool = true, languageCode: String = "es-mx", staticURL: String = "/static/"
    ) {
        self.timeZone = timeZone
        self.useTZ = useTZ
        self.languageCode = languageCode
        self.staticURL = staticURL
    }
}
