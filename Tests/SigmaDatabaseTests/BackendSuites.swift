import Testing

@Suite("SQLite backend", .timeLimit(.minutes(2)))
struct SQLiteBehaviourTests {
    let backend = TestBackend.sqlite

    @Test func seedDiffersPerCountry() async throws { try await Behaviours.seedDiffersPerCountry(backend) }
    @Test func readsOrderWithDetail() async throws { try await Behaviours.readsOrderWithDetail(backend) }
    @Test func missingOrderAndMissingDetail() async throws {
        try await Behaviours.missingOrderAndMissingDetail(backend)
    }
    @Test func imagesByOrderAndType() async throws { try await Behaviours.imagesByOrderAndType(backend) }
    @Test func imagesByIds() async throws { try await Behaviours.imagesByIds(backend) }
    @Test func actingEmployee() async throws { try await Behaviours.actingEmployee(backend) }
    @Test func quotationGetOrCreate() async throws { try await Behaviours.quotationGetOrCreate(backend) }
    @Test func duplicateComponentRule() async throws { try await Behaviours.duplicateComponentRule(backend) }
    @Test func precreatePieces() async throws { try await Behaviours.precreatePieces(backend) }
    @Test func stateChangeHistory() async throws { try await Behaviours.stateChangeHistory(backend) }
    @Test func registrarHistorial() async throws { try await Behaviours.registrarHistorial(backend) }
    @Test func transactionRollsBackOnError() async throws { try await Behaviours.transactionRollsBackOnError(backend) }
    @Test func unreachableDatabase() async throws { try await Behaviours.unreachableDatabase(backend) }
}

@Suite(
    "PostgreSQL backend", .timeLimit(.minutes(2)),
    .enabled(if: TestBackend.postgresReachable, TestBackend.postgresSkipReason)
)
struct PostgreSQLBehaviourTests {
    let backend = TestBackend.postgresql

    @Test func seedDiffersPerCountry() async throws { try await Behaviours.seedDiffersPerCountry(backend) }
    @Test func readsOrderWithDetail() async throws { try await Behaviours.readsOrderWithDetail(backend) }
    @Test func missingOrderAndMissingDetail() async throws {
        try await Behaviours.missingOrderAndMissingDetail(backend)
    }
    @Test func imagesByOrderAndType() async throws { try await Behaviours.imagesByOrderAndType(backend) }
    @Test func imagesByIds() async throws { try await Behaviours.imagesByIds(backend) }
    @Test func actingEmployee() async throws { try await Behaviours.actingEmployee(backend) }
    @Test func quotationGetOrCreate() async throws { try await Behaviours.quotationGetOrCreate(backend) }
    @Test func duplicateComponentRule() async throws { try await Behaviours.duplicateComponentRule(backend) }
    @Test func precreatePieces() async throws { try await Behaviours.precreatePieces(backend) }
    @Test func stateChangeHistory() async throws { try await Behaviours.stateChangeHistory(backend) }
    @Test func registrarHistorial() async throws { try await Behaviours.registrarHistorial(backend) }
    @Test func transactionRollsBackOnError() async throws { try await Behaviours.transactionRollsBackOnError(backend) }
    @Test func unreachableDatabase() async throws { try await Behaviours.unreachableDatabase(backend) }
    @Test func wrongPasswordNamesAliasAndHostNotPassword() async throws { try await Behaviours.wrongPassword() }
    @Test func statementTimeout() async throws { try await Behaviours.statementTimeout() }
}
