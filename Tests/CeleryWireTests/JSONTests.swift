import CeleryWire
import Foundation
import Testing

/// kombu's JSON dialect: what Python's `json` reads and writes.
@Suite struct JSONTests {
    let parser = JSONParser()
    let serializer = JSONSerializer()

    @Test func pythonOutputFormat() throws {
        let value: JSONValue = ["b": [1, 2.5, nil, true], "a": "ñ🙂\n\"", "c": [:]]
        #expect(serializer.string(value) == #"{"b": [1, 2.5, null, true], "a": "\u00f1\ud83d\ude42\n\"", "c": {}}"#)
    }

    @Test func nonStandardNumbers() throws {
        let value = try parser.parse("[NaN, Infinity, -Infinity, 1180591620717411303424, -0.0, 1e+300, 1e-05]")
        let elements = try #require(value.arrayValue)
        #expect(elements[0].doubleValue?.isNaN == true)
        #expect(elements[1] == .double(.infinity))
        #expect(elements[2] == .double(-.infinity))
        #expect(elements[3] == .bigInt("1180591620717411303424"))
        #expect(serializer.string(value) == "[NaN, Infinity, -Infinity, 1180591620717411303424, -0.0, 1e+300, 1e-05]")
    }

    @Test(arguments: [
        (1.0, "1.0"), (0.1, "0.1"), (1e16, "1e+16"), (1e15, "1000000000000000.0"), (123.456, "123.456"),
        (1.5e-7, "1.5e-07"), (-2.0, "-2.0"),
    ])
    func floatsLikePythonRepr(_ number: Double, _ text: String) {
        #expect(JSONSerializer.pythonFloat(number) == text)
    }

    @Test func escapesAndSurrogates() throws {
        #expect(try parser.parse(#""\ud83d\ude42 \u00f1 \/ \t""#) == .string("🙂 ñ / \t"))
        // A lone surrogate (legal in Python) becomes U+FFFD instead of failing.
        #expect(try parser.parse(#""\ud800x""#) == .string("\u{FFFD}x"))
    }

    @Test func duplicateKeysKeepTheLastValueLikePython() throws {
        let object = try #require(try parser.parse(#"{"a": 1, "b": 2, "a": 3}"#).objectValue)
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == 3)
    }

    @Test(arguments: [
        "", "[1,]", "{\"a\" 1}", "[01]", "\"\u{01}\"", "tru", "[1] x", "{\"a\":}", "-", "1.", "1e", "\"\\x\"",
        "[\"unterminated", "{1: 2}",
    ])
    func rejectsWhatPythonRejects(_ text: String) {
        let error = #expect(throws: CeleryWireError.self) { try parser.parse(text) }
        #expect(error?.code == .malformedJSON)
    }

    @Test func objectEqualityIgnoresOrder() throws {
        #expect(try parser.parse(#"{"a": 1, "b": 2}"#) == parser.parse(#"{"b": 2, "a": 1}"#))
        #expect(try parser.parse("1") == parser.parse("1.0"))
    }

    @Test func typedMarkersDecode() throws {
        let value = try parser.parse(
            #"[{"__type__": "datetime", "__value__": "2024-05-06T07:08:09.123456"}, {"__type__": "date", "__value__": "2024-05-06"}, {"__type__": "time", "__value__": "01:02:03"}, {"__type__": "decimal", "__value__": "1.10"}, {"__type__": "uuid", "__value__": {"hex": "12345678123456781234567812345678"}}, {"__type__": "bytes", "__value__": "hi"}, {"__type__": "base64", "__value__": "/wA="}]"#
        )
        let elements = try #require(value.arrayValue)
        #expect(
            elements[0].kombuValue(as: .datetime)
                == .datetime(
                    ISODateTime(year: 2024, month: 5, day: 6, hour: 7, minute: 8, second: 9, microsecond: 123_456)))
        #expect(elements[1].kombuValue(as: .date) == .date(year: 2024, month: 5, day: 6))
        #expect(
            elements[2].kombuValue(as: .time) == .time(hour: 1, minute: 2, second: 3, microsecond: 0, utcOffset: nil))
        #expect(elements[3].kombuValue(as: .decimal) == .decimal("1.10"))
        #expect(elements[4].kombuValue(as: .uuid) == .uuid(UUID(uuidString: "12345678-1234-5678-1234-567812345678")!))
        #expect(elements[5].kombuValue(as: .bytes) == .bytes(Array("hi".utf8)))
        #expect(elements[6].kombuValue(as: .bytes) == .bytes([0xFF, 0x00]))
        // Markers re-encode exactly as kombu writes them.
        for element in elements {
            let object = try #require(element.objectValue)
            #expect(try KombuTypedValue(marker: object)?.jsonValue == element)
        }
    }

    @Test func legacyPlainFormsDecode() {
        #expect(
            JSONValue.string("2024-05-06T07:08:09Z").kombuValue(as: .datetime)
                == .datetime(ISODateTime(year: 2024, month: 5, day: 6, hour: 7, minute: 8, second: 9, utcOffset: 0)))
        #expect(JSONValue.string("2024-05-06T00:00:00").kombuValue(as: .date) == .date(year: 2024, month: 5, day: 6))
        #expect(JSONValue.string("1.10").kombuValue(as: .decimal) == .decimal("1.10"))
        #expect(JSONValue.string("12345678-1234-5678-1234-567812345678").kombuValue(as: .uuid) != nil)
        #expect(JSONValue.string("not a date").kombuValue(as: .datetime) == nil)
    }

    @Test func isoDates() throws {
        let aware = try #require(ISODateTime.parse("2026-11-24T23:20:34.966843-03:00"))
        #expect(aware.utcOffset == -3 * 3600)
        #expect(aware.description == "2026-11-24T23:20:34.966843-03:00")
        let utc = try #require(ISODateTime.parse("2026-11-25T02:20:34.966843+00:00"))
        #expect(abs(aware.unixTime() - utc.unixTime()) < 1e-6)
        #expect(ISODateTime(unixTime: utc.unixTime()).description == "2026-11-25T02:20:34.966843+00:00")
        #expect(ISODateTime(unixTime: 0, utcOffset: nil).description == "1970-01-01T00:00:00")
        #expect(ISODateTime.parse("2024-02-30T00:00:00") == nil)
        #expect(ISODateTime.parse("2024-02-29 10:00") != nil)
    }
}
