import Testing

@testable import DjangoTemplates

/// The engine's pure parts, with no Django: Python's number forms, the calendar, the lexer, and
/// errors that name the template and the line.
@Suite struct EngineUnitTests {
    @Test(arguments: [
        (1.0, "1.0"), (0.1, "0.1"), (1e-05, "1e-05"), (0.0001, "0.0001"), (1e16, "1e+16"),
        (1e15, "1000000000000000.0"), (-2.5, "-2.5"), (123456789.125, "123456789.125"),
        (Double.leastNonzeroMagnitude, "5e-324"),
    ])
    func floatsPrintAsPythonsRepr(value: Double, python: String) {
        #expect(PythonFormat.repr(value) == python)
    }

    @Test func stringsPrintAsPythonsRepr() {
        #expect(PythonFormat.repr("it's") == "\"it's\"")
        #expect(PythonFormat.repr("a'b\"c") == "'a\\'b\"c'")
        #expect(PythonFormat.repr("tab\there\n") == "'tab\\there\\n'")
    }

    @Test func theCalendarMatchesPythonsDatetime() {
        let leap = CivilTime(seconds: 1_709_208_000, offset: 0)  // 2024-02-29 12:00 UTC, a Thursday
        #expect((leap.year, leap.month, leap.day, leap.hour) == (2024, 2, 29, 12))
        #expect(leap.weekday == 3 && leap.dayOfYear == 60 && leap.daysInMonth == 29)
        let before = CivilTime(seconds: -1, offset: 0)
        #expect((before.year, before.month, before.day, before.second) == (1969, 12, 31, 59))
        #expect(CivilTime(year: 2027, month: 1, day: 1).isoWeek == (2026, 53))
        #expect(CivilTime(year: 2026, month: 12, day: 28).isoWeek == (2026, 53))
    }

    @Test func tagsDoNotSpanLinesAndLinesAreCounted() {
        let tokens = Lexer.tokenize("a\n{{ b }}\n{% if c\n %}{# d #}")
        #expect(tokens.map(\.kind) == [.text, .variable, .text, .comment])  // "{% if c\n %}" is text
        #expect(tokens[1].line == 2)
    }

    @Test func errorsNameTheTemplateAndTheLine() {
        let error = #expect(throws: TemplateSyntaxError.self) {
            try Template(source: "uno\ndos\n{% frobnicate %}", name: "servicio_tecnico/emails/x.html")
        }
        #expect(error?.template == "servicio_tecnico/emails/x.html" && error?.line == 3)
        #expect(error?.message.contains("'frobnicate'") == true)
        let unclosed = #expect(throws: TemplateSyntaxError.self) { try Template(source: "\n{% if a %}x") }
        #expect(unclosed?.line == 2 && unclosed?.message.contains("endif") == true)
    }

    @Test func aFailedLookupIsEmptyAndTheIfSeesNone() throws {
        let template = try Template(source: "[{{ a.b }}]{% if a.b is None %}none{% endif %}")
        #expect(try template.render([:]) == "[]none")
    }
}
