import Foundation

@testable import SigmaDocuments

/// Paths and sample inputs shared by the tests.
enum TestSupport {
    static let repoRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shared = repoRoot.deletingLastPathComponent().appendingPathComponent("shared")
    static let staticImages = shared.appendingPathComponent("spec/assets/static/images")
    static let outputDirectory: URL = {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("sigma-documents-tests")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    static var hasSharedAssets: Bool {
        FileManager.default.fileExists(atPath: staticImages.appendingPathComponent("logos/logo_sic.png").path)
    }

    static func asset(_ path: String) -> ReportImage? {
        let url = staticImages.appendingPathComponent(path)
        return FileManager.default.fileExists(atPath: url.path) ? .file(url) : nil
    }

    /// A 4:3 JPEG made by our own encoder, standing in for an authorization photo.
    static func authorizationJPEG() throws -> Data {
        try syntheticJPEG(width: 640, height: 480)
    }

    static let letterhead = RhitsoReport.Letterhead(
        companyHeading: "SIC COMERCIALIZACION Y SERVICIOS", countryHeading: "MEXICO",
        footerName: "SIC Comercializacion y Servicios Mexico SC",
        footerAddressLines: [
            "Domicilio",
            "Circuito Economistas 15-A, Col. Satelite, Naucalpan de Juarez, Edo de Mexico CP 53100",
        ],
        footerContact: "Seguimiento con: Alejandro Garcia Tel: 55-35-45-81-92 / Correo: cis_mex@sic.com.mx")

    static let longReason =
        "Equipo no da video. Se requiere reballing de GPU & revisión <urgente> de la placa madre con varias palabras para probar el salto de línea automático en el PDF RHITSO Equipo no da video. Se requiere reballing de GPU & revisión <urgente> de la placa madre con varias palabras para probar el salto de línea automático en el PDF RHITSO"

    static func rhitso(authorization: RhitsoReport.Authorization) -> RhitsoReport {
        RhitsoReport(
            date: "25/11/2026", orderNumber: "OS-001-2026", model: "Latitude 5420", serialNumber: "ABC 123/XYZ",
            reason: longReason, hasCharger: true, chargerSerialNumber: "CN-0XYZ",
            sicLogo: asset("logos/logo_sic.png"), rhitsoLogo: asset("logos/logo_rhitso.png"),
            diagram: asset("rhitso/diagrama.png"), authorization: authorization, letterhead: letterhead,
            info: PDFDocumentInfo(
                title: "Formato RHITSO - Equipo ABC 123/XYZ", author: "SIC Comercialización y Servicios México SC",
                subject: "Envío de equipo a RHITSO para revisión especializada", creator: "SIC México - Sistema RHITSO")
        )
    }

    static func diagnostico(components: [DiagnosticoReport.Component]? = nil, diagnosis: String? = nil)
        -> DiagnosticoReport
    {
        DiagnosticoReport(
            date: "25/11/2026", folio: "MX_CIS_MX_SAT_00123", brand: "Dell", model: "Latitude 5420",
            equipmentType: DiagnosticoReport.equipmentTypeLabel("laptop"), serialNumber: "ABC 123/XYZ",
            userReport: "No enciende.\nSe escucha un pitido.",
            diagnosis: diagnosis
                ?? "Se detecta falla en la tarjeta madre.\n\nSe recomienda cambio de batería y limpieza.",
            components: components ?? [
                .init(name: "Motherboard", dpn: "DPN: 0XPJWG", selected: true, necessary: true),
                .init(name: "Batería", dpn: "CP6DF", selected: true, necessary: false),
                .init(name: "Cámara IR especial", dpn: "X1", selected: true, necessary: false),
            ],
            companyShortName: "SIC México", employeeEmail: "juan@sic.example", sicLogo: asset("logos/logo_sic.png"),
            info: PDFDocumentInfo(
                title: "Diagnóstico - MX_CIS_MX_SAT_00123", author: "SIC México",
                subject: "Diagnóstico de equipo ABC 123/XYZ", creator: "SIC México - Sistema de Servicio Técnico"))
    }

    /// Runs a tool and returns its exit status and standard output.
    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func write(_ data: Data, _ name: String) throws -> URL {
        let url = outputDirectory.appendingPathComponent(name)
        try data.write(to: url)
        return url
    }
}

extension TestSupport {
    /// A smooth RGB gradient encoded as JPEG by our encoder.
    static func syntheticJPEG(width: Int, height: Int, orientation: Int = 1) throws -> Data {
        let image = DecodedImage(width: width, height: height, model: .rgb)
        for y in 0..<height {
            for x in 0..<width {
                let p = image.pixels + (y * width + x) * 3
                p[0] = UInt8(x * 255 / max(1, width - 1))
                p[1] = UInt8(y * 255 / max(1, height - 1))
                p[2] = x < width / 4 && y < height / 4 ? 255 : 40
            }
        }
        return try ImageCodec.encodeJPEG(image, quality: 90, optimize: false)
    }
}
