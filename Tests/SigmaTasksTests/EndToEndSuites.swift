import Testing

/// One engine at a time: each scenario runs a worker, an SMTP server and Python clients.
@Suite(.serialized) struct EndToEndTests {}

extension EndToEndTests {
    @Suite(
        "SIGMA tasks end to end on SQLite",
        .enabled(if: Harness.available, "needs the test Redis and .venv/celery-5.7 (scripts/test.sh starts them)"))
    struct SQLiteEndToEndTests {
        @Test(.timeLimit(.minutes(3))) func rhitso() async throws { try await EndToEnd.rhitso(.sqlite) }
        @Test(.timeLimit(.minutes(3))) func diagnostico() async throws { try await EndToEnd.diagnostico(.sqlite) }
        @Test(.timeLimit(.minutes(3))) func imagenes() async throws { try await EndToEnd.imagenes(.sqlite) }
        @Test(.timeLimit(.minutes(3))) func notFoundAndBadAlias() async throws {
            try await EndToEnd.notFoundAndBadAlias(.sqlite)
        }
        @Test(.timeLimit(.minutes(3))) func argentina() async throws { try await EndToEnd.argentina(.sqlite) }
        @Test(.timeLimit(.minutes(3))) func refusedMailRetriesThenFails() async throws {
            try await EndToEnd.refusedMailRetriesThenFails(.sqlite)
        }
        @Test(.timeLimit(.minutes(3))) func failureAfterEmailDoesNotResend() async throws {
            try await EndToEnd.failureAfterEmailDoesNotResend(.sqlite)
        }
    }

    @Suite(
        "SIGMA tasks end to end on PostgreSQL",
        .enabled(if: Harness.available, "needs the test Redis and .venv/celery-5.7 (scripts/test.sh starts them)"),
        .enabled(
            if: Backend.postgresAvailable,
            "PostgreSQL test server not reachable on 127.0.0.1:54329 (start it with scripts/services/postgres.sh start)"
        )
    )
    struct PostgreSQLEndToEndTests {
        @Test(.timeLimit(.minutes(3))) func rhitso() async throws { try await EndToEnd.rhitso(.postgresql) }
        @Test(.timeLimit(.minutes(3))) func diagnostico() async throws { try await EndToEnd.diagnostico(.postgresql) }
        @Test(.timeLimit(.minutes(3))) func imagenes() async throws { try await EndToEnd.imagenes(.postgresql) }
        @Test(.timeLimit(.minutes(3))) func notFoundAndBadAlias() async throws {
            try await EndToEnd.notFoundAndBadAlias(.postgresql)
        }
        @Test(.timeLimit(.minutes(3))) func argentina() async throws { try await EndToEnd.argentina(.postgresql) }
        @Test(.timeLimit(.minutes(3))) func refusedMailRetriesThenFails() async throws {
            try await EndToEnd.refusedMailRetriesThenFails(.postgresql)
        }
        @Test(.timeLimit(.minutes(3))) func failureAfterEmailDoesNotResend() async throws {
            try await EndToEnd.failureAfterEmailDoesNotResend(.postgresql)
        }
    }
}
