import Foundation

/// Writes the objects, cross-reference table and trailer of a finished canvas.
///
/// Object layout: 1 catalog, 2 page tree, 3 Helvetica, 4 Helvetica-Bold, 5 info, then per image
/// its XObject (and soft mask), then per page its content stream and page object.
enum PDFSerializer {
    static func serialize(_ canvas: PDFCanvas) throws -> Data {
        var out: [UInt8] = []
        var estimated = 4096
        for image in canvas.images { estimated += image.stream.count + (image.softMask?.count ?? 0) + 256 }
        for page in canvas.finishedPages { estimated += page.count + 256 }
        out.reserveCapacity(estimated)
        var offsets: [Int] = [0]

        func begin(_ number: Int) {
            offsets.append(out.count)
            assert(offsets.count - 1 == number)
            PDFNumber.appendInt(number, to: &out)
            out.append(contentsOf: " 0 obj\n".utf8)
        }
        func write(_ text: String) { out.append(contentsOf: text.utf8) }
        func writeStream(_ dictionary: String, _ bytes: Data) {
            write("<< \(dictionary) /Length \(bytes.count) >>\nstream\n")
            out.append(contentsOf: bytes)
            write("\nendstream\nendobj\n")
        }

        // Number the objects first.
        var next = 6
        var imageObjects: [(image: Int, mask: Int?)] = []
        for image in canvas.images {
            let imageNumber = next
            next += 1
            var maskNumber: Int?
            if image.softMask != nil {
                maskNumber = next
                next += 1
            }
            imageObjects.append((imageNumber, maskNumber))
        }
        var pageObjects: [(content: Int, page: Int)] = []
        for _ in canvas.finishedPages {
            pageObjects.append((next, next + 1))
            next += 2
        }

        write("%PDF-1.4\n%\u{00E2}\u{00E3}\u{00CF}\u{00D3}\n")
        begin(1)
        write("<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
        begin(2)
        let kids = pageObjects.map { "\($0.page) 0 R" }.joined(separator: " ")
        write("<< /Type /Pages /Count \(pageObjects.count) /Kids [\(kids)] >>\nendobj\n")
        begin(3)
        write("<< /Type /Font /Subtype /Type1 /Name /F1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>\nendobj\n")
        begin(4)
        write(
            "<< /Type /Font /Subtype /Type1 /Name /F2 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>\nendobj\n"
        )
        begin(5)
        let info = canvas.info
        out.append(contentsOf: "<< /Title ".utf8)
        appendTextString(info.title, to: &out)
        out.append(contentsOf: " /Author ".utf8)
        appendTextString(info.author, to: &out)
        out.append(contentsOf: " /Subject ".utf8)
        appendTextString(info.subject, to: &out)
        out.append(contentsOf: " /Creator ".utf8)
        appendTextString(info.creator, to: &out)
        out.append(contentsOf: " /Producer ".utf8)
        appendTextString(info.producer, to: &out)
        write(" /CreationDate (\(pdfDate(info.creationDate))) >>\nendobj\n")

        for (image, numbers) in zip(canvas.images, imageObjects) {
            begin(numbers.image)
            var dictionary = "/Type /XObject /Subtype /Image /Width \(image.width) /Height \(image.height)"
            dictionary += " /ColorSpace \(image.colorSpace) /BitsPerComponent 8 /Filter \(image.filter)"
            if let decode = image.decodeArray { dictionary += " /Decode \(decode)" }
            if let mask = numbers.mask { dictionary += " /SMask \(mask) 0 R" }
            writeStream(dictionary, image.stream)
            if let mask = numbers.mask, let maskData = image.softMask {
                begin(mask)
                writeStream(
                    "/Type /XObject /Subtype /Image /Width \(image.width) /Height \(image.height) "
                        + "/ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode", maskData)
            }
        }

        for (index, page) in canvas.finishedPages.enumerated() {
            let numbers = pageObjects[index]
            begin(numbers.content)
            if canvas.contentCompressionLevel > 0 {
                writeStream(
                    "/Filter /FlateDecode", try Deflate.compress(Data(page), level: canvas.contentCompressionLevel))
            } else {
                writeStream("", Data(page))
            }
            begin(numbers.page)
            var xobjects = ""
            for imageIndex in canvas.pageImages[index] {
                xobjects += " /Im\(imageIndex) \(imageObjects[imageIndex].image) 0 R"
            }
            let xobjectEntry = xobjects.isEmpty ? "" : " /XObject <<\(xobjects) >>"
            write(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents \(numbers.content) 0 R "
                    + "/Resources << /Font << /F1 3 0 R /F2 4 0 R >> /ProcSet [/PDF /Text /ImageB /ImageC]"
                    + "\(xobjectEntry) >> >>\nendobj\n")
        }

        let xrefOffset = out.count
        write("xref\n0 \(offsets.count)\n0000000000 65535 f \n")
        for offset in offsets.dropFirst() {
            var line = String(offset)
            line = String(repeating: "0", count: 10 - line.count) + line
            write("\(line) 00000 n \n")
        }
        let id = documentID(out)
        write("trailer\n<< /Size \(offsets.count) /Root 1 0 R /Info 5 0 R /ID [<\(id)> <\(id)>] >>\n")
        write("startxref\n\(xrefOffset)\n%%EOF\n")
        return Data(out)
    }

    /// A PDF text string: PDFDocEncoding-compatible Latin-1 when possible, else UTF-16BE with BOM.
    static func appendTextString(_ text: String, to out: inout [UInt8]) {
        let latin1 = text.unicodeScalars.allSatisfy { $0.value < 0x80 || (0xA0...0xFF).contains($0.value) }
        out.append(0x28)
        func appendEscaped(_ byte: UInt8) {
            if byte == 0x28 || byte == 0x29 || byte == 0x5C { out.append(0x5C) }
            out.append(byte)
        }
        if latin1 {
            for scalar in text.unicodeScalars { appendEscaped(UInt8(scalar.value)) }
        } else {
            appendEscaped(0xFE)
            appendEscaped(0xFF)
            for unit in text.utf16 {
                appendEscaped(UInt8(unit >> 8))
                appendEscaped(UInt8(unit & 0xFF))
            }
        }
        out.append(0x29)
    }

    static func pdfDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ v: Int?) -> String { let v = v ?? 0; return v < 10 ? "0\(v)" : "\(v)" }
        return "D:\(c.year ?? 1970)\(two(c.month))\(two(c.day))\(two(c.hour))\(two(c.minute))\(two(c.second))Z"
    }

    /// A 16-byte identifier derived from the content (FNV-1a, hex).
    static func documentID(_ bytes: [UInt8]) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            b = (b &+ UInt64(byte)) &* 0x9E37_79B9_7F4A_7C15
        }
        func hex(_ v: UInt64) -> String {
            let s = String(v, radix: 16, uppercase: true)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return hex(a) + hex(b)
    }
}
