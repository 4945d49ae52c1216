import Foundation

/// Everything the diagnosis report shows, already resolved by the task layer.
public struct DiagnosticoReport: Sendable {
    /// One entry of the technician's component list (`componentes_data`).
    public struct Component: Sendable, Hashable {
        /// `componente_db`: one of the predefined names, or a free name for an extra row.
        public var name: String
        public var dpn: String
        public var selected: Bool
        public var necessary: Bool

        /// Creates an entry with the spec's defaults for missing keys.
        public init(name: String = "", dpn: String = "", selected: Bool = false, necessary: Bool = true) {
            self.name = name
            self.dpn = dpn
            self.selected = selected
            self.necessary = necessary
        }
    }

    /// The 18 predefined rows in print order: (`componente_db`, printed label).
    public static let predefinedComponents: [(name: String, label: String)] = [
        ("Motherboard", "TARJETA (MOTHERBOARD)"), ("Pantalla", "LCD Ó DISPLAY"),
        ("Disco Duro / SSD", "DISCO DURO Ó SSD"), ("Teclado", "TECLADO/PALMREST"),
        ("Cargador", "ELIMINADOR(CARGADOR)"), ("Batería", "BATERIA"), ("DC-IN", "DC-IN"),
        ("Botón", "BOTÓN"), ("WiFi / Bluetooth", "ANTENAS"), ("Touchpad", "TOUCH PAD"),
        ("Sistema Operativo", "SISTEMA OPERATIVO"), ("Bisagras", "BISAGRAS"), ("RAM", "MEMORIA RAM"),
        ("Ventilador / Cooling", "VENTILADOR"), ("Carcasa / Chasis", "PLASTICOS / BISEL"),
        ("Cable", "CABLE"), ("Webcam", "CAMARA"), ("Limpieza y mantenimiento", "LIMPIEZA Y MANTENIMIENTO"),
    ]

    /// Date shown under the folio, already formatted `dd/mm/YYYY` in the country's time zone.
    public var date: String
    public var folio: String
    public var brand: String
    public var model: String
    /// Display label of the equipment type (see `equipmentTypeLabel(_:)`).
    public var equipmentType: String
    public var serialNumber: String
    /// `falla_principal`.
    public var userReport: String
    /// `diagnostico_sic`.
    public var diagnosis: String
    public var components: [Component]
    /// `empresa_nombre_corto` of the country, printed in the footer.
    public var companyShortName: String
    /// The employee's e-mail; empty hides the contact line.
    public var employeeEmail: String
    public var sicLogo: ReportImage?
    /// Document information (title, author, subject, creator).
    public var info: PDFDocumentInfo

    /// Creates a report.
    public init(
        date: String, folio: String, brand: String, model: String, equipmentType: String,
        serialNumber: String, userReport: String, diagnosis: String, components: [Component],
        companyShortName: String, employeeEmail: String = "", sicLogo: ReportImage? = nil,
        info: PDFDocumentInfo = PDFDocumentInfo()
    ) {
        self.date = date
        self.folio = folio
        self.brand = brand
        self.model = model
        self.equipmentType = equipmentType
        self.serialNumber = serialNumber
        self.userReport = userReport
        self.diagnosis = diagnosis
        self.components = components
        self.companyShortName = companyShortName
        self.employeeEmail = employeeEmail
        self.sicLogo = sicLogo
        self.info = info
    }

    /// The display label of a `tipo_equipo` value; unknown values print as given and an empty
    /// one as the form's placeholder choice.
    public static func equipmentTypeLabel(_ raw: String) -> String {
        switch raw {
        case "": "-- Seleccione un tipo de equipo --"
        case "pc": "PC"
        case "laptop": "Laptop"
        case "aio": "AIO (All-in-One)"
        default: raw
        }
    }

    /// `DIAGNOSTICO_{YYYYMMDD}_{folio}.pdf`, spaces and `/` in the folio replaced by `_`.
    public static func fileName(folio: String, date: Date, timeZone: TimeZone) -> String {
        "DIAGNOSTICO_\(ReportDate.compact(date, timeZone: timeZone))_\(ReportDate.sanitize(folio)).pdf"
    }
}
