/// The database engine Django is configured with.
public enum DatabaseEngine: String, Sendable, Hashable, CaseIterable {
    /// `django.db.backends.postgresql`.
    case postgresql
    /// `django.db.backends.sqlite3`.
    case sqlite

    /// Django's rule: an engine string containing `sqlite3` selects SQLite, anything else PostgreSQL.
    ///
    /// - Parameter djangoEngine: the value of `DB_ENGINE`.
    public init(djangoEngine: String) {
        self = djangoEngine.contains("sqlite3") ? .sqlite : .postgresql
    }
}
