/// The per-country values of SIGMA's `config/paises_config.py` that the tasks use (§9.1).
public struct Country: Sendable, Hashable {
    /// `MX`, `AR`.
    public var codigo: String
    /// International dialling prefix without `+` (`52`, `54`), for WhatsApp links.
    public var codigoTelefonico: String
    /// Display name (`México`, `Argentina`).
    public var nombre: String
    /// The database alias of the country.
    public var dbAlias: DatabaseAlias
    /// IANA time zone for dates shown to a person.
    public var timezone: String
    /// Legal company name.
    public var empresaNombre: String
    /// Short company name used in customer e-mails and the diagnóstico PDF.
    public var empresaNombreCorto: String
    /// Storage prefix of uploaded files (`mexico/…`).
    public var mediaSubdir: String

    /// Creates a country.
    ///
    /// - Parameters:
    ///   - codigo: `MX`, `AR`.
    ///   - codigoTelefonico: dialling prefix.
    ///   - nombre: display name.
    ///   - dbAlias: database alias.
    ///   - timezone: IANA time zone.
    ///   - empresaNombre: legal company name.
    ///   - empresaNombreCorto: short company name.
    ///   - mediaSubdir: storage prefix.
    public init(
        codigo: String, codigoTelefonico: String, nombre: String, dbAlias: DatabaseAlias, timezone: String,
        empresaNombre: String, empresaNombreCorto: String, mediaSubdir: String
    ) {
        self.codigo = codigo
        self.codigoTelefonico = codigoTelefonico
        self.nombre = nombre
        self.dbAlias = dbAlias
        self.timezone = timezone
        self.empresaNombre = empresaNombre
        self.empresaNombreCorto = empresaNombreCorto
        self.mediaSubdir = mediaSubdir
    }

    /// Mexico, the default country (`PAIS_DEFAULT`).
    public static let mexico = Country(
        codigo: "MX", codigoTelefonico: "52", nombre: "México", dbAlias: .mexico,
        timezone: "America/Mexico_City", empresaNombre: "SIC Comercialización y Servicios México SC",
        empresaNombreCorto: "SIC México", mediaSubdir: "mexico"
    )

    /// Argentina with its built-in defaults; see ``argentina(environment:)`` for `EMPRESA_NOMBRE_AR`.
    public static let argentina = Country(
        codigo: "AR", codigoTelefonico: "54", nombre: "Argentina", dbAlias: .argentina,
        timezone: "America/Argentina/Buenos_Aires", empresaNombre: "SIC Argentina (Pendiente Razón Social)",
        empresaNombreCorto: "SIC Argentina", mediaSubdir: "argentina"
    )

    /// Argentina with `empresa_nombre` taken from `EMPRESA_NOMBRE_AR` when set.
    ///
    /// - Parameter environment: the variables (`.env` merged in).
    public static func argentina(environment: [String: String]) -> Country {
        var country = Country.argentina
        if let name = environment["EMPRESA_NOMBRE_AR"] { country.empresaNombre = name }
        return country
    }

    /// The country of a task's `db_alias` (absent or `default` → Mexico).
    ///
    /// - Parameters:
    ///   - dbAlias: the `db_alias` keyword argument.
    ///   - environment: the variables, for `EMPRESA_NOMBRE_AR`.
    /// - Throws: ``SigmaDatabaseError`` `unknownAlias` for an unknown alias.
    public static func forDBAlias(_ dbAlias: String?, environment: [String: String] = [:]) throws -> Country {
        switch try DatabaseAlias(dbAlias: dbAlias) {
        case .mexico: .mexico
        case .argentina: argentina(environment: environment)
        }
    }
}
