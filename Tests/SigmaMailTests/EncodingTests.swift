import Foundation
import Testing

@testable import SigmaMail

/// The encoders' own rules, checked without any external software.
@Suite("RFC 2047, quoted-printable and base64 encoders")
struct EncodingTests {
    @Test(
        "encoded-words fit their 76-column lines and each holds whole UTF-8 sequences",
        arguments: [
            "🔧ENVIO DE EQUIPO RHITSO - OS-1", String(repeating: "🔧📸✅", count: 30),
            String(repeating: "Fotografías ", count: 20), "ñ",
        ]
    )
    func encodedWords(text: String) throws {
        let words = EncodedWords.lines(text, firstRoom: 76, nextRoom: 75).compactMap { $0 }
        var decoded: [UInt8] = []
        for (index, word) in words.enumerated() {
            #expect(word.utf8.count <= (index == 0 ? 76 : 75))
            #expect(word.hasPrefix("=?utf-8?") && word.hasSuffix("?="))
            let body = String(word.dropFirst(10).dropLast(2))
            let bytes: [UInt8]
            if word.hasPrefix("=?utf-8?b?") {
                bytes = Array(try #require(Data(base64Encoded: body)))
            } else {
                bytes = Self.decodeQ(body)
            }
            #expect(String(validating: bytes, as: UTF8.self) != nil, "word \(word) splits a UTF-8 sequence")
            decoded += bytes
        }
        #expect(String(decoding: decoded, as: UTF8.self) == text)
    }

    @Test("quoted-printable: ≤ 76 per line, escapes never split, trailing white space encoded, round trip")
    func quotedPrintable() {
        let input = String(repeating: "é=x ", count: 80) + " \n" + String(repeating: "a", count: 200) + "\t\n"
        var output: [UInt8] = []
        QuotedPrintable.appendEncoded(input, to: &output)
        let lines = String(decoding: output, as: UTF8.self).components(separatedBy: "\r\n").dropLast()
        for line in lines {
            #expect(line.utf8.count <= 76)
            #expect(!line.hasSuffix(" ") && !line.hasSuffix("\t"))
            let withoutSoftBreak = line.hasSuffix("=") ? String(line.dropLast()) : line
            #expect(withoutSoftBreak.wholeMatch(of: /([^=]|=[0-9A-F]{2})*/) != nil, "broken escape in \(line)")
        }
        #expect(Self.decodeQuotedPrintable(output) == Array(input.replacingOccurrences(of: "\n", with: "\r\n").utf8))
    }

    @Test("base64 body lines are 76 characters and decode to the input", arguments: [0, 1, 2, 3, 57, 58, 1000])
    func base64(count: Int) throws {
        let data = Fixtures.bytes(count)
        var output: [UInt8] = []
        Base64.appendEncoded(data, to: &output, lineLength: 76)
        let text = String(decoding: output, as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n").dropLast()
        #expect(lines.dropLast().allSatisfy { $0.count == 76 })
        #expect(lines.allSatisfy { $0.count <= 76 })
        #expect(Array(try #require(Data(base64Encoded: lines.joined()))) == data)
        #expect(Data(data).base64EncodedString() == lines.joined())
    }

    static func decodeQ(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "_") {
                out.append(0x20)
            } else if byte == UInt8(ascii: "="), bytes.count >= 2 {
                out.append(UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) ?? 0)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(byte)
            }
        }
        return out
    }

    static func decodeQuotedPrintable(_ encoded: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var index = 0
        while index < encoded.count {
            let byte = encoded[index]
            if byte == UInt8(ascii: "=") {
                if encoded[index + 1] == 0x0D {
                    index += 3
                    continue
                }
                out.append(UInt8(String(decoding: encoded[index + 1...index + 2], as: UTF8.self), radix: 16) ?? 0)
                index += 3
            } else {
                out.append(byte)
                index += 1
            }
        }
        return out
    }
}
