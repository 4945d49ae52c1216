import Foundation
import Testing

@testable import SigmaDocuments

@Suite struct ReportPDFTests {
    private func check(_ data: Data, _ name: String, pages: Int) throws -> String {
        let url = try TestSupport.write(data, name)
        let qpdf = try TestSupport.run("qpdf", ["--check", url.path])
        #expect(qpdf.status == 0, "qpdf --check failed: \(qpdf.output)")
        let info = try TestSupport.run("pdfinfo", [url.path])
        let pageLine = info.output.split(separator: "\n").first { $0.hasPrefix("Pages:") }
        #expect(pageLine?.split(separator: " ").last.map(String.init) == String(pages), "\(info.output)")
        return try TestSupport.run("pdftotext", ["-layout", url.path, "-"]).output
    }

    @Test func rhitsoWithAuthorizationHasTwoPages() throws {
        let auth = try TestSupport.authorizationJPEG()
        let pdf = try TestSupport.rhitso(authorization: .image(.data(auth))).renderPDF()
        let text = try check(pdf, "rhitso.pdf", pages: 2)
        for expected in [
            "Formato RHITSO", "FECHA", "25/11/2026", "ORDEN DE SERVICIO", "OS-001-2026", "Latitude 5420",
            "ABC 123/XYZ", "NUMERO DE SERIE", "MOTIVO", "revisión <urgente>", "[X] ADAPTADOR",
            "CARGADOR Y CABLE: CN-0XYZ", "REVISION DE DAÑOS EXTERNOS", "IMAGENES DE AUTORIZACION/CONTRASEÑAS",
            "Circuito Economistas 15-A", "Seguimiento con:",
        ] {
            #expect(text.contains(expected), "missing \(expected)")
        }
        let info = try TestSupport.run(
            "pdfinfo", [TestSupport.outputDirectory.appendingPathComponent("rhitso.pdf").path])
        #expect(info.output.contains("Formato RHITSO - Equipo ABC 123/XYZ"))
    }

    @Test func rhitsoWithoutAuthorizationHasOnePage() throws {
        var report = TestSupport.rhitso(authorization: .none)
        report.hasCharger = false
        report.diagram = nil
        let text = try check(try report.renderPDF(), "rhitso_no_auth.pdf", pages: 1)
        #expect(text.contains("[X] SIN CARGADOR"))
        #expect(text.contains("Diagrama de revision fisica del equipo"))
        #expect(!text.contains("CARGADOR Y CABLE"))
        #expect(text.contains("Seguimiento con:"))
    }

    @Test func rhitsoMissingAuthorizationFile() throws {
        let missing = URL(fileURLWithPath: "/nonexistent/auth.jpg")
        let text = try check(
            try TestSupport.rhitso(authorization: .image(.file(missing))).renderPDF(), "rhitso_missing.pdf", pages: 2)
        #expect(text.contains("Imagen de autorizacion no encontrada"))
    }

    @Test func diagnosticoSampleBreaksBeforeTheTable() throws {
        let text = try check(try TestSupport.diagnostico().renderPDF(), "diagnostico.pdf", pages: 2)
        for expected in [
            "FOLIO Y FECHA", "MX_CIS_MX_SAT_00123", "25/11/2026", "DATOS DEL EQUIPO", "Dell", "Laptop",
            "REPORTE DE USUARIO:", "Se escucha un pitido.", "DIAGNÓSTICO TÉCNICO:", "PIEZAS A COTIZAR",
            "TARJETA (MOTHERBOARD)", "LCD Ó DISPLAY", "LIMPIEZA Y MANTENIMIENTO", "CÁMARA IR ESPECIAL",
            "DPN: 0XPJWG", "= Pieza necesaria", "SIC México", "Contacto: juan@sic.example",
        ] {
            #expect(text.contains(expected), "missing \(expected)")
        }
    }

    @Test func diagnosticoLongDiagnosisMovesToNewPage() throws {
        let long = Array(repeating: "Linea de diagnostico con bastante texto para ocupar espacio.", count: 40)
            .joined(separator: "\n")
        _ = try check(try TestSupport.diagnostico(diagnosis: long).renderPDF(), "diagnostico_long.pdf", pages: 3)
    }

    @Test func diagnosticoManyExtrasSpillOver() throws {
        var components = (1...40).map {
            DiagnosticoReport.Component(name: "Extra \($0)", dpn: "D\($0)", selected: $0 % 2 == 0)
        }
        components.append(.init(name: "", dpn: "ignored"))
        let text = try check(
            try TestSupport.diagnostico(components: components).renderPDF(), "diagnostico_extras.pdf", pages: 3)
        #expect(text.contains("EXTRA 40"))
    }

    @Test func fileNamesFollowTheSpec() {
        let date = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18 UTC
        let utc = TimeZone(identifier: "UTC")!
        #expect(
            RhitsoReport.fileName(serialNumber: "ABC 123/XYZ", date: date, timeZone: utc)
                == "RHITSO_20261118_ABC_123_XYZ.pdf")
        #expect(
            DiagnosticoReport.fileName(folio: "MX 1/2", date: date, timeZone: utc) == "DIAGNOSTICO_20261118_MX_1_2.pdf")
        #expect(RhitsoReport.orderNumber(clientOrder: "", orderID: 42) == "ORD-42")
    }

    @Test func wrapsLikeTheReference() {
        let lines = TextWrapper.wrap(TestSupport.longReason, font: .helvetica, size: 9, maxWidth: 506.96)
        #expect(lines.count == 3)
        #expect(lines[0].hasSuffix("con varias palabras para probar el"))
        #expect(lines[1].hasPrefix("salto de línea automático"))
    }
}
