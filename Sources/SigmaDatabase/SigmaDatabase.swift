/// # SigmaDatabase
///
/// The Django database of SIGMA as its three background tasks see it: the tables, column names and
/// column types of §11 of the task specification, on PostgreSQL and on SQLite, for each country.
///
/// - ``DatabaseConfiguration`` reads the variables Django reads (`DB_ENGINE`, `DB_NAME`,
///   `DB_NAME_AR`, `DB_USER`, `DB_PASSWORD`, `DB_HOST`, `DB_PORT`) plus `SIGMA_BASE_DIR`.
/// - ``DatabaseRouter`` owns one connection pool per country database and routes a task's
///   `db_alias` (`default`, `mexico`, `argentina`) to it; ``Country`` is the country configuration.
/// - ``CountryDatabase/withSession(_:)`` and ``CountryDatabase/transaction(_:)`` hand out a
///   ``DatabaseSession`` whose methods are the reads and writes the tasks perform, with Django's
///   implicit side effects (`registrar_historial`, the `cambio_estado` history row).
/// - ``SchemaInstaller`` creates the §11 tables and the demo/test seed rows in an empty database.
///
/// Every statement is parameterized and runs under a deadline; errors are ``SigmaDatabaseError``
/// values that name the alias and host and never contain the password.
public enum SigmaDatabaseModule {}
