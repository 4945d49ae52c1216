import Foundation

extension DiagnosticoReport {
    private typealias L = ReportLayout
    private static let navy = PDFColor(hex: 0x003366)
    private static let blue = PDFColor(hex: 0x4472C4)
    private static let red = PDFColor(hex: 0xFF0000)
    private static let green = PDFColor(hex: 0xC6EFCE)
    private static let amber = PDFColor(hex: 0xFFEB9C)

    /// Draws the report (§8.4 of the task spec) and returns the PDF bytes.
    public func renderPDF() throws -> Data {
        var canvas = PDFCanvas(info: info)
        let left = L.marginLeft
        let width = L.usableWidth
        var y = L.top

        // 1. Header: logo and the folio/date table.
        if let image = try? sicLogo?.pdfImage() {
            canvas.drawImage(image, fittingX: left + 5, y: y - 50, width: 140, height: 50)
        }
        let labelX = 612 - left - 260
        let valueX = labelX + 90
        var rowBottom = y - 22
        fillCell(&canvas, x: labelX, y: rowBottom, width: 90, height: 22, fill: Self.navy)
        canvas.setFillColor(.white)
        canvas.setFont(.helveticaBold, size: 8)
        canvas.drawCentredString(x: labelX + 45, y: rowBottom + 8, "FOLIO Y FECHA")
        fillCell(&canvas, x: valueX, y: rowBottom, width: 170, height: 22, fill: .white)
        canvas.setFillColor(.black)
        canvas.setFont(.helvetica, size: 8)
        canvas.drawCentredString(x: valueX + 85, y: rowBottom + 8, folio)
        rowBottom -= 22
        fillCell(&canvas, x: labelX, y: rowBottom, width: 90, height: 22, fill: .white)
        canvas.rect(x: valueX, y: rowBottom, width: 170, height: 22, fill: true)
        canvas.setFillColor(.black)
        canvas.setFont(.helvetica, size: 9)
        canvas.drawCentredString(x: valueX + 85, y: rowBottom + 8, date)
        y = y - 65 - 10

        // 2. Equipment data.
        y = header(&canvas, y: y, "DATOS DEL EQUIPO", colour: Self.navy)
        let fractions = [0.15, 0.40, 0.15, 0.30]
        let labels = ["MARCA", "MODELO", "TIPO", "SERIE"]
        let values = [
            brand.isEmpty ? "N/A" : brand, model.isEmpty ? "N/A" : model, equipmentType,
            serialNumber.isEmpty ? "N/A" : serialNumber,
        ]
        for (row, texts) in [labels, values].enumerated() {
            y -= 22
            var x = left
            for (index, fraction) in fractions.enumerated() {
                let cellWidth = width * fraction
                fillCell(&canvas, x: x, y: y, width: cellWidth, height: 22, fill: row == 0 ? L.grey : .white)
                canvas.setFillColor(.black)
                canvas.setFont(row == 0 ? .helveticaBold : .helvetica, size: 8)
                let text = row == 0 ? texts[index] : String(texts[index].prefix(Int(cellWidth / 4.2)))
                canvas.drawCentredString(x: x + cellWidth / 2, y: y + 8, text)
                x += cellWidth
            }
        }
        y = y - 5 - 10

        // 3. User report.
        y = textSection(
            &canvas, y: y, "REPORTE DE USUARIO:", userReport.isEmpty ? "Sin reporte de usuario" : userReport,
            minimumHeight: 50, padding: 10, breakIfNeeded: false)
        y = y - 5 - 5

        // 4. Technical diagnosis.
        y = textSection(
            &canvas, y: y, "DIAGNÓSTICO TÉCNICO:", diagnosis.isEmpty ? "Sin diagnóstico registrado" : diagnosis,
            minimumHeight: 80, padding: 15, breakIfNeeded: true)
        y = y - 5 - 10

        // 5. Components to quote.
        let predefinedNames = Set(Self.predefinedComponents.map(\.name))
        let extraCount = components.filter { !predefinedNames.contains($0.name) }.count
        if y - (22 + Double(18 + extraCount) * 18 + 20) < L.marginBottom {
            canvas.showPage()
            y = L.top
        }
        y = header(&canvas, y: y, "PIEZAS A COTIZAR", colour: Self.blue)
        var byName: [String: Component] = [:]
        for component in components { byName[component.name] = component }
        for entry in Self.predefinedComponents {
            y -= 18
            componentRow(&canvas, y: y, label: entry.label, component: byName[entry.name])
        }
        for component in components where !component.name.isEmpty && !predefinedNames.contains(component.name) {
            if y - 18 < 68.35 {
                canvas.showPage()
                y = 715.31
            }
            y -= 18
            componentRow(&canvas, y: y, label: component.name.uppercased(), component: component)
        }
        let legendY = y - 14
        canvas.setFont(.helvetica, size: 6.5)
        canvas.setFillColor(Self.green)
        canvas.rect(x: left, y: legendY, width: 8, height: 8, fill: true)
        canvas.setFillColor(.black)
        canvas.drawString(x: left + 10, y: legendY + 1, "= Pieza necesaria")
        canvas.setFillColor(Self.amber)
        canvas.rect(x: left + 90, y: legendY, width: 8, height: 8, fill: true)
        canvas.setFillColor(.black)
        canvas.drawString(x: left + 100, y: legendY + 1, "= Pieza opcional / recomendada")

        // 6. Footer on the last page.
        canvas.setStrokeColor(Self.navy)
        canvas.setLineWidth(1)
        canvas.line(x1: left, y1: 73.35, x2: 612 - left, y2: 73.35)
        canvas.setFont(.helveticaBold, size: 8)
        canvas.setFillColor(Self.navy)
        canvas.drawCentredString(x: L.centreX, y: 58.35, companyShortName)
        if !employeeEmail.isEmpty {
            canvas.setFont(.helvetica, size: 7)
            canvas.setFillColor(.black)
            canvas.drawCentredString(x: L.centreX, y: 46.35, "Contacto: \(employeeEmail)")
        }
        return try canvas.finish()
    }

    private func fillCell(
        _ canvas: inout PDFCanvas, x: Double, y: Double, width: Double, height: Double, fill: PDFColor
    ) {
        canvas.setFillColor(fill)
        canvas.rect(x: x, y: y, width: width, height: height, fill: true)
    }

    /// A full-width coloured header 22 pt tall with white bold title; returns its bottom.
    private func header(_ canvas: inout PDFCanvas, y: Double, _ title: String, colour: PDFColor) -> Double {
        let bottom = y - 22
        fillCell(&canvas, x: L.marginLeft, y: bottom, width: L.usableWidth, height: 22, fill: colour)
        canvas.setFillColor(.white)
        canvas.setFont(.helveticaBold, size: 10)
        canvas.drawCentredString(x: L.centreX, y: bottom + 8, title)
        return bottom
    }

    /// A blue header and a white box holding wrapped text; returns the box bottom.
    private func textSection(
        _ canvas: inout PDFCanvas, y: Double, _ title: String, _ text: String, minimumHeight: Double,
        padding: Double, breakIfNeeded: Bool
    ) -> Double {
        let lines = TextWrapper.wrapParagraphs(text, font: .helvetica, size: 9, maxWidth: L.usableWidth - 20)
        let boxHeight = max(minimumHeight, Double(lines.count + 1) * 12 + padding)
        var y = y
        if breakIfNeeded && y - (22 + boxHeight + 10) < L.marginBottom + 50 {
            canvas.showPage()
            y = L.top
        }
        let headerBottom = header(&canvas, y: y, title, colour: Self.blue)
        fillCell(
            &canvas, x: L.marginLeft, y: headerBottom - boxHeight, width: L.usableWidth, height: boxHeight, fill: .white
        )
        canvas.setFillColor(.black)
        canvas.setFont(.helvetica, size: 9)
        canvas.drawLines(x: L.marginLeft + 10, y: headerBottom - 15, leading: L.lineAdvance, lines)
        return headerBottom - boxHeight
    }

    private func componentRow(_ canvas: inout PDFCanvas, y: Double, label: String, component: Component?) {
        let left = L.marginLeft
        fillCell(&canvas, x: left, y: y, width: 140, height: 18, fill: L.grey)
        canvas.setFillColor(.black)
        canvas.setFont(.helvetica, size: 8)
        canvas.drawString(x: left + 5, y: y + 6, label)
        fillCell(&canvas, x: left + 140, y: y, width: 25, height: 18, fill: .white)
        let selected = component?.selected ?? false
        if selected {
            canvas.setFillColor(Self.red)
            canvas.setFont(.helveticaBold, size: 10)
            canvas.drawCentredString(x: left + 152.5, y: y + 5, "X")
        }
        let dpnFill = !selected ? PDFColor.white : (component?.necessary ?? true) ? Self.green : Self.amber
        fillCell(&canvas, x: left + 165, y: y, width: L.usableWidth - 165, height: 18, fill: dpnFill)
        if let dpn = component?.dpn, !dpn.isEmpty {
            canvas.setFillColor(.black)
            canvas.setFont(.helvetica, size: 8)
            canvas.drawString(x: left + 170, y: y + 6, String(dpn.prefix(80)))
        }
    }
}
