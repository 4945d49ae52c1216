import CeleryWire
import CeleryWorker
import Testing

/// Pure parts of the runtime: argument binding, settings, URLs.
@Suite struct WorkerUnitTests {
    let signature = TaskSignature(
        functionName: "add", parameters: [.required("x"), .required("y"), .optional("z", default: nil)])

    @Test func bindsLikePython() throws {
        let bound = try signature.bind(args: [1], kwargs: ["y": 2])
        #expect(bound["x"] == 1 && bound["y"] == 2 && bound["z"] == .null)
    }

    @Test(
        arguments: [
            ([], JSONObject(), "add() missing 2 required positional arguments: 'x' and 'y'"),
            ([1], JSONObject(), "add() missing 1 required positional argument: 'y'"),
            ([1, 2, 3, 4], JSONObject(), "add() takes from 2 to 3 positional arguments but 4 were given"),
            ([1], ["x": 2] as JSONObject, "add() got multiple values for argument 'x'"),
            ([1, 2], ["w": 2] as JSONObject, "add() got an unexpected keyword argument 'w'"),
        ] as [([JSONValue], JSONObject, String)])
    func typeErrorsLikePython(_ args: [JSONValue], _ kwargs: JSONObject, _ message: String) {
        let error = #expect(throws: TaskFailure.self) { try signature.bind(args: args, kwargs: kwargs) }
        #expect(error?.exceptionInfo == .builtin("TypeError", message))
    }

    @Test func extraKeywordsAreCollected() throws {
        let open = TaskSignature(functionName: "f", parameters: [.required("a")], acceptsExtraKeywords: true)
        let bound = try open.bind(args: [], kwargs: ["a": 1, "db_alias": "mexico"])
        #expect(bound.extraKeywords["db_alias"] == "mexico")
    }

    @Test func dotEnvFollowsPythonDecouple() {
        let file = DotEnvFile(
            contents: """
                # comment
                CELERY_BROKER_URL = redis://h:6379/0
                QUOTED='a=b # not a comment'
                DOUBLE="x"
                NOEQUALS
                EMPTY=
                """)
        #expect(file.values["CELERY_BROKER_URL"] == "redis://h:6379/0")
        #expect(file.values["QUOTED"] == "a=b # not a comment")
        #expect(file.values["DOUBLE"] == "x")
        #expect(file.values["NOEQUALS"] == nil)
        #expect(file.values["EMPTY"] == "")
        let merged = DotEnvFile.merged(file: file, environment: ["DOUBLE": "real"])
        #expect(merged["DOUBLE"] == "real")
        #expect(DotEnvFile.bool("Yes") == true && DotEnvFile.bool("off") == false && DotEnvFile.bool("maybe") == nil)
    }

    @Test func redisURLsAsCeleryReadsThem() throws {
        let plain = try RedisURL(parsing: "redis://localhost")
        #expect(plain.endpoint == .tcp(host: "localhost", port: 6379) && plain.database == 0)
        let full = try RedisURL(parsing: "redis://user:p%40ss@example.org:6380/3")
        #expect(full.username == "user" && full.password == "p@ss" && full.database == 3)
        #expect(!full.description.contains("p@ss"))
        let socket = try RedisURL(parsing: "redis+socket:///run/redis.sock?virtual_host=2")
        #expect(socket.endpoint == .unix(path: "/run/redis.sock") && socket.database == 2)
        let unix = try RedisURL(parsing: "unix:///tmp/r.sock?db=4")
        #expect(unix.database == 4)
        #expect(throws: RedisError.self) { try RedisURL(parsing: "redis://h/notanumber") }
        #expect(throws: RedisError.self) { try RedisURL(parsing: "amqp://h") }
    }

    @Test func configurationFromDjangoNames() throws {
        let configuration = try WorkerConfiguration(environment: [
            "CELERY_BROKER_URL": "redis://b:6379/0", "CELERY_RESULT_BACKEND": "redis://b:6379/1",
            "CELERY_TASK_SOFT_TIME_LIMIT": "300", "CELERY_TASK_TIME_LIMIT": "600", "CELERY_TASK_ACKS_LATE": "true",
        ])
        #expect(configuration.softTimeLimit == 300 && configuration.timeLimit == 600 && configuration.acksLate)
        #expect(configuration.backendURL?.database == 1)
        #expect(throws: (any Error).self) { try WorkerConfiguration(environment: ["CELERY_TASK_ACKS_LATE": "perhaps"]) }
    }

    @Test func revokedIdsAreBoundedOldestFirst() throws {
        let worker = WorkerRuntime(
            configuration: WorkerConfiguration(), registry: TaskRegistry(), logger: WorkerHarness.logger)
        worker.revoke((0..<50_010).map { "id-\($0)" })
        worker.revoke(["id-50009", "late"])
        #expect(!worker.isRevoked("id-0") && !worker.isRevoked("id-10"))
        #expect(worker.isRevoked("id-11") && worker.isRevoked("id-50009") && worker.isRevoked("late"))
    }

    @Test func accumulateIsBuiltIn() async throws {
        let registry = TaskRegistry()
        #expect(registry.names.contains("celery.accumulate"))
    }
}
