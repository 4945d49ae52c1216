import Testing

@testable import SigmaMail

@Suite("25 MiB size accounting (calcular_tamaño_correo)")
struct MailSizeEstimateTests {
    @Test("total is PDF + HTML UTF-8 + compressed images; missing PDF counts 0")
    func total() {
        let estimate = MailSizeEstimate(
            pdfBytes: 1_000_000, html: "ñ✅",
            images: [
                .init(name: "a.jpg", state: .compressed(originalBytes: 3_000_000, compressedBytes: 400_000)),
                .init(name: "b.jpg", state: .compressed(originalBytes: 100_000, compressedBytes: 100_000)),
            ]
        )
        #expect(estimate.totalBytes == 1_000_000 + 5 + 500_000)
        #expect(estimate.validImages == ["a.jpg", "b.jpg"])
        #expect(MailSizeEstimate(pdfBytes: nil, images: []).totalBytes == 0)
    }

    @Test("the limit is exceeded strictly above 26 214 400 bytes")
    func limit() {
        #expect(MailSizeEstimate.limitBytes == 26_214_400)
        #expect(!MailSizeEstimate(pdfBytes: 26_214_400, images: []).exceedsLimit)
        #expect(MailSizeEstimate(pdfBytes: 26_214_401, images: []).exceedsLimit)
        let split = MailSizeEstimate(
            pdfBytes: 26_000_000,
            images: [.init(name: "x", state: .compressed(originalBytes: 900_000, compressedBytes: 214_401))]
        )
        #expect(split.exceedsLimit)
        #expect(split.totalMegabytes == 25.0)
    }

    @Test("excluded images and their reasons")
    func exclusions() {
        let estimate = MailSizeEstimate(
            pdfBytes: 10,
            images: [
                .init(name: "missing.jpg", state: .missing),
                .init(name: "huge.jpg", state: .compressed(originalBytes: 26_214_401, compressedBytes: 1)),
                .init(
                    name: "broken.jpg", state: .failed(originalBytes: 600_000, error: "No se pudo abrir la imagen: x")),
                .init(name: "ok.jpg", state: .compressed(originalBytes: 600_000, compressedBytes: 90)),
            ]
        )
        #expect(estimate.totalBytes == 100)
        #expect(estimate.validImages == ["ok.jpg"])
        #expect(
            estimate.excludedImages.map(\.reason) == [
                "Archivo no encontrado", "Excede límite individual de 25MB", "No se pudo abrir la imagen: x",
            ])
    }

    @Test(
        "MB rounding matches Python's round(x, 2)",
        arguments: [
            (0, 0.0), (131_072, 0.12), (393_216, 0.38), (1_048_576, 1.0), (26_214_400, 25.0), (26_214_401, 25.0),
            (5_000_000, 4.77), (1_153_434, 1.1), (1_158_676, 1.1), (1_163_919, 1.11),
        ])
    func rounding(bytes: Int, megabytes: Double) {
        #expect(MailSizeEstimate.megabytes(bytes) == megabytes)
    }
}
