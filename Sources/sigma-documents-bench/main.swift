// Benchmark driver for SigmaDocuments (not shipped). Timings are measured in-process, so
// process start-up is excluded, as it is on the Python side.
//
//   sigma-documents-bench photo INPUT OUTPUT [ITERATIONS]
//   sigma-documents-bench pdf STATIC_IMAGES_DIR AUTH_JPEG OUTPUT_DIR [ITERATIONS]
import Foundation
import SigmaDocuments

func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

func report(_ label: String, _ times: [Double]) {
    print(
        "\(label) median_ms=\(String(format: "%.2f", median(times))) min_ms=\(String(format: "%.2f", times.min() ?? 0))"
    )
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: sigma-documents-bench photo|pdf …")
    exit(2)
}

switch arguments[1] {
case "photo":
    let input = try Data(contentsOf: URL(fileURLWithPath: arguments[2]))
    let iterations = arguments.count > 4 ? Int(arguments[4]) ?? 5 : 5
    var output: PhotoRecompressor.Output?
    var times: [Double] = []
    for _ in 0..<iterations {
        times.append(try milliseconds { output = try PhotoRecompressor.recompressForCustomerEmail(input) })
    }
    try output!.jpeg.write(to: URL(fileURLWithPath: arguments[3]))
    report("photo size=\(output!.width)x\(output!.height) bytes=\(output!.jpeg.count)", times)

case "pdf":
    let images = URL(fileURLWithPath: arguments[2])
    let auth = try Data(contentsOf: URL(fileURLWithPath: arguments[3]))
    let outputDirectory = URL(fileURLWithPath: arguments[4])
    let iterations = arguments.count > 5 ? Int(arguments[5]) ?? 10 : 10
    let letterhead = RhitsoReport.Letterhead(
        companyHeading: "EMPRESA DE EJEMPLO", countryHeading: "PAIS",
        footerName: "Empresa de Ejemplo SA",
        footerAddressLines: ["Domicilio", "Calle Uno 123, Col. Centro, Ciudad, CP 00000"],
        footerContact: "Seguimiento con: Nombre Apellido Tel: 00-00-00-00-00 / Correo: contacto@example.com")
    func rhitso(_ logo: ReportImage, _ rh: ReportImage, _ diagram: ReportImage) -> RhitsoReport {
        RhitsoReport(
            date: "25/11/2026", orderNumber: "OS-001-2026", model: "Latitude 5420", serialNumber: "ABC 123/XYZ",
            reason: String(
                repeating: "Equipo no da video. Se requiere revisión <urgente> de la placa madre. ", count: 4),
            hasCharger: true, chargerSerialNumber: "CN-0XYZ", sicLogo: logo, rhitsoLogo: rh, diagram: diagram,
            authorization: .image(.data(auth)), letterhead: letterhead,
            info: PDFDocumentInfo(
                title: "Formato RHITSO - Equipo ABC 123/XYZ", author: "Empresa", subject: "Envío", creator: "bench"))
    }
    func diagnostico(_ logo: ReportImage) -> DiagnosticoReport {
        DiagnosticoReport(
            date: "25/11/2026", folio: "MX_CIS_MX_SAT_00123", brand: "Dell", model: "Latitude 5420",
            equipmentType: "Laptop",
            serialNumber: "ABC 123/XYZ", userReport: "No enciende.\nSe escucha un pitido.",
            diagnosis: "Se detecta falla en la tarjeta madre.\n\nSe recomienda cambio de batería y limpieza.",
            components: [
                .init(name: "Motherboard", dpn: "DPN: 0XPJWG", selected: true, necessary: true),
                .init(name: "Batería", dpn: "CP6DF", selected: true, necessary: false),
                .init(name: "Cámara IR especial", dpn: "X1", selected: true, necessary: false),
            ],
            companyShortName: "Empresa", employeeEmail: "juan@example.com", sicLogo: logo,
            info: PDFDocumentInfo(
                title: "Diagnóstico - MX_CIS_MX_SAT_00123", author: "Empresa", subject: "Diagnóstico", creator: "bench")
        )
    }
    let logoURL = images.appendingPathComponent("logos/logo_sic.png")
    let rhitsoURL = images.appendingPathComponent("logos/logo_rhitso.png")
    let diagramURL = images.appendingPathComponent("rhitso/diagrama.png")
    var rhitsoCold: [Double] = []
    var diagCold: [Double] = []
    var rhitsoPDF = Data()
    var diagPDF = Data()
    for _ in 0..<iterations {
        rhitsoCold.append(
            try milliseconds {
                rhitsoPDF = try rhitso(.file(logoURL), .file(rhitsoURL), .file(diagramURL)).renderPDF()
            })
        diagCold.append(try milliseconds { diagPDF = try diagnostico(.file(logoURL)).renderPDF() })
    }
    let logo = ReportImage.prepared(try ReportImage.file(logoURL).pdfImage())
    let rh = ReportImage.prepared(try ReportImage.file(rhitsoURL).pdfImage())
    let diagram = ReportImage.prepared(try ReportImage.file(diagramURL).pdfImage())
    var rhitsoWarm: [Double] = []
    var diagWarm: [Double] = []
    for _ in 0..<iterations {
        rhitsoWarm.append(try milliseconds { _ = try rhitso(logo, rh, diagram).renderPDF() })
        diagWarm.append(try milliseconds { _ = try diagnostico(logo).renderPDF() })
    }
    try rhitsoPDF.write(to: outputDirectory.appendingPathComponent("bench_rhitso_swift.pdf"))
    try diagPDF.write(to: outputDirectory.appendingPathComponent("bench_diagnostico_swift.pdf"))
    report("rhitso_cold bytes=\(rhitsoPDF.count)", rhitsoCold)
    report("diagnostico_cold bytes=\(diagPDF.count)", diagCold)
    report("rhitso_warm", rhitsoWarm)
    report("diagnostico_warm", diagWarm)

default:
    print("unknown command \(arguments[1])")
    exit(2)
}
