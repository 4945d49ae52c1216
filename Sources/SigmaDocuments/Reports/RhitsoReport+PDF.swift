import Foundation

extension RhitsoReport {
    private typealias L = ReportLayout

    /// Draws the form (§8.3 of the task spec) and returns the PDF bytes: one page, or two when
    /// an authorization section is present.
    public func renderPDF() throws -> Data {
        var canvas = PDFCanvas(info: info)
        var y = L.top
        let width = L.usableWidth
        let left = L.marginLeft

        // 1. Header band.
        if let image = try? sicLogo?.pdfImage() {
            canvas.drawImage(image, fittingX: left + 5, y: y - 40, width: 100, height: 50)
        }
        canvas.setFont(.helveticaBold, size: 16)
        canvas.drawCentredString(x: L.centreX, y: y - 15, "Formato RHITSO")
        canvas.setFont(.helveticaBold, size: 12)
        canvas.drawCentredString(x: L.centreX, y: y - 30, letterhead.companyHeading)
        canvas.setFont(.helvetica, size: 9)
        canvas.drawCentredString(x: L.centreX, y: y - 43, letterhead.countryHeading)
        if let image = try? rhitsoLogo?.pdfImage() {
            canvas.drawImage(image, fittingX: 612 - left - 105, y: y - 40, width: 100, height: 50)
        }
        y -= 70 + 15

        // 2. Date and order row.
        let rowBottom = y - 20
        var x = left
        labelCell(&canvas, x: x, y: rowBottom, width: 70, height: 20, "FECHA", size: 9, baseline: 7)
        x += 70
        valueCell(&canvas, x: x, y: rowBottom, width: 100, height: 20, date, size: 9, baseline: 7)
        x += 100 + (width - 430)
        labelCell(&canvas, x: x, y: rowBottom, width: 130, height: 20, "ORDEN DE SERVICIO", size: 8, baseline: 7)
        x += 130
        valueCell(&canvas, x: x, y: rowBottom, width: 130, height: 20, orderNumber, size: 8, baseline: 7)
        y = rowBottom - 5 - 10

        // 3. Equipment.
        y = sectionHeader(&canvas, y: y, "INFORMACION DEL EQUIPO", size: 11)
        let infoBottom = y - 25
        x = left
        labelCell(&canvas, x: x, y: infoBottom, width: 70, height: 25, "MODELO", size: 9, baseline: 9.5)
        x += 70
        let modelWidth = width / 2 - 70
        valueCell(
            &canvas, x: x, y: infoBottom, width: modelWidth, height: 25, model.isEmpty ? "N/A" : model, size: 9,
            baseline: 9.5)
        x += modelWidth
        labelCell(&canvas, x: x, y: infoBottom, width: 100, height: 25, "NUMERO DE SERIE", size: 9, baseline: 9.5)
        x += 100
        valueCell(
            &canvas, x: x, y: infoBottom, width: width - (x - left), height: 25, serialNumber, size: 8, baseline: 9.5)
        y = infoBottom - 5 - 15

        // 4. Reason, in a fixed 70 pt box.
        y = sectionHeader(&canvas, y: y, "MOTIVO", size: 10)
        canvas.rect(x: left, y: y - 70, width: width, height: 70)
        canvas.setFont(.helvetica, size: 9)
        let text = reason.isEmpty ? "No especificado" : reason
        let lines = TextWrapper.wrap(text, font: .helvetica, size: 9, maxWidth: width - 20)
        canvas.drawLines(x: left + 10, y: y - 15, leading: L.lineAdvance, lines)
        y = y - 70 - 5 - 15

        // 5. Accessories.
        y = sectionHeader(&canvas, y: y, "ACCESORIOS ENVIADOS", size: 10)
        let third = width / 3
        let accessoriesBottom = y - 25
        let cells: [(String, Bool)] = [
            (hasCharger ? "[X] ADAPTADOR" : "[ ] ADAPTADOR", false),
            (hasCharger ? "[ ] SIN CARGADOR" : "[X] SIN CARGADOR", !hasCharger),
            ("[ ] OTROS", false),
        ]
        for (index, cell) in cells.enumerated() {
            let cellX = left + Double(index) * third
            canvas.rect(x: cellX, y: accessoriesBottom, width: third, height: 25)
            canvas.setFont(cell.1 ? .helveticaBold : .helvetica, size: 9)
            canvas.drawString(x: cellX + 10, y: accessoriesBottom + 9.5, cell.0)
        }
        y = accessoriesBottom
        if hasCharger && !chargerSerialNumber.isEmpty {
            y -= 25
            canvas.setFillColor(PDFColor(hex: 0xFFFFC8))
            canvas.rect(x: left, y: y, width: width, height: 25, fill: true)
            canvas.setFillColor(.black)
            canvas.setFont(.helveticaBold, size: 9)
            canvas.drawString(x: left + 10, y: y + 9.5, "CARGADOR Y CABLE: \(chargerSerialNumber)")
        }
        y = y - 5 - 20

        // 6. External damage diagram.
        y = sectionHeader(&canvas, y: y, "REVISION DE DAÑOS EXTERNOS", size: 10)
        let diagramBottom = y - 250
        if let image = try? diagram?.pdfImage() {
            canvas.drawImage(image, fittingX: left, y: diagramBottom, width: width, height: 250)
        } else {
            canvas.rect(x: left, y: diagramBottom, width: width, height: 250)
            canvas.setFont(.helvetica, size: 10)
            canvas.drawCentredString(x: L.centreX, y: diagramBottom + 125, "Diagrama de revision fisica del equipo")
        }
        y = diagramBottom - 5 - 15

        // 7. Authorization image, on a new page.
        if !isNone(authorization) {
            if y < 150 {
                canvas.showPage()
                y = L.top
            }
            y = sectionHeader(&canvas, y: y, "IMAGENES DE AUTORIZACION/CONTRASEÑAS", size: 10)
            let areaBottom = y - 280
            switch authorization {
            case .image(let source):
                if let url = source.fileURL, !FileManager.default.fileExists(atPath: url.path) {
                    placeholder(&canvas, bottom: areaBottom, height: 280, "Imagen de autorizacion no encontrada")
                } else if let image = try? source.pdfImage() {
                    canvas.drawImage(image, fittingX: left, y: areaBottom, width: width, height: 280)
                } else {
                    placeholder(&canvas, bottom: areaBottom, height: 280, "Error cargando imagen de autorizacion")
                }
            case .missing, .none:
                placeholder(&canvas, bottom: areaBottom, height: 280, "Imagen de autorizacion no encontrada")
            }
        }

        // 8. Footer, on the last page only.
        canvas.setFont(.helveticaBold, size: 8)
        canvas.drawCentredString(x: L.centreX, y: 68.35, letterhead.footerName)
        canvas.setFont(.helvetica, size: 7)
        var footerY = 56.35
        for line in letterhead.footerAddressLines {
            canvas.drawCentredString(x: L.centreX, y: footerY, line)
            footerY -= 12
        }
        canvas.setFont(.helvetica, size: 8)
        canvas.drawCentredString(x: L.centreX, y: 28.35, letterhead.footerContact)
        return try canvas.finish()
    }

    private func isNone(_ authorization: Authorization) -> Bool {
        if case .none = authorization { return true }
        return false
    }

    /// A full-width grey header 25 pt tall; returns its bottom.
    private func sectionHeader(_ canvas: inout PDFCanvas, y: Double, _ title: String, size: Double) -> Double {
        let bottom = y - 25
        canvas.setFillColor(L.grey)
        canvas.rect(x: L.marginLeft, y: bottom, width: L.usableWidth, height: 25, fill: true)
        canvas.setFillColor(.black)
        canvas.setFont(.helveticaBold, size: size)
        canvas.drawCentredString(x: L.centreX, y: bottom + 8.5, title)
        return bottom
    }

    private func labelCell(
        _ canvas: inout PDFCanvas, x: Double, y: Double, width: Double, height: Double, _ text: String,
        size: Double, baseline: Double
    ) {
        canvas.setFillColor(L.grey)
        canvas.rect(x: x, y: y, width: width, height: height, fill: true)
        canvas.setFillColor(.black)
        canvas.setFont(.helveticaBold, size: size)
        canvas.drawCentredString(x: x + width / 2, y: y + baseline, text)
    }

    private func valueCell(
        _ canvas: inout PDFCanvas, x: Double, y: Double, width: Double, height: Double, _ text: String,
        size: Double, baseline: Double
    ) {
        canvas.rect(x: x, y: y, width: width, height: height)
        canvas.setFont(.helvetica, size: size)
        canvas.drawCentredString(x: x + width / 2, y: y + baseline, text)
    }

    private func placeholder(_ canvas: inout PDFCanvas, bottom: Double, height: Double, _ text: String) {
        canvas.rect(x: L.marginLeft, y: bottom, width: L.usableWidth, height: height)
        canvas.setFont(.helvetica, size: 10)
        canvas.drawCentredString(x: L.centreX, y: bottom + height / 2, text)
    }
}
