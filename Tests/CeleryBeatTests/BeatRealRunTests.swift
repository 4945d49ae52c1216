import Foundation
import SigmaTestSupport
import Testing

extension BeatProcessTests {
    /// A real run of Python's `celery beat` (Celery 5.7, django-celery-beat 2.9's DatabaseScheduler)
    /// and `sigma-worker beat` side by side on copies of the same rows, through Redis:
    /// `scripts/beat/compare_beat_run.py` compares the messages each sent per periodic task, their
    /// send times, and the rows each left behind. Its report is printed.
    @Suite(
        .serialized,
        .enabled(if: TestEnvironment.python("django-5.2") != nil, "needs .venv/django-5.2 (scripts/setup-python.sh)"),
        .enabled(if: TestEnvironment.redisAvailable, "needs the test Redis (scripts/services/redis.sh)"))
    struct BeatRealRunTests {
        @Test(.timeLimit(.minutes(4)), arguments: BeatTablesTests.Engine.allCases)
        func pythonsBeatAndOursSendTheSameRunsAtTheSameTimes(engine: BeatTablesTests.Engine) throws {
            if engine == .postgresql, !BeatTablesTests.postgresAvailable { return }
            let root = TestEnvironment.repositoryRoot
            let pg = BeatTablesTests.pg
            var arguments = [
                root.appendingPathComponent("scripts/beat/compare_beat_run.py").path, "--worker",
                root.appendingPathComponent(".build/debug/sigma-worker").path, "--redis", TestEnvironment.redisURL,
            ]
            if engine == .sqlite {
                arguments.append("--sqlite")
            } else {
                arguments += [
                    "--postgres",
                    "host=\(pg.host) port=\(pg.port) user=\(pg.user) password=\(pg.password) dbname=postgres",
                ]
            }
            let result = try ProcessRunner.runBlocking(
                TestEnvironment.python("django-5.2")!.path, arguments, timeout: 200)
            print(result.standardOutput)
            #expect(result.status == 0, "\(result.standardOutput)\n\(result.standardError)")
            #expect(result.standardOutput.contains("same messages, same run times, same rows"))
        }
    }
}
