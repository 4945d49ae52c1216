import CeleryWire
import Foundation

extension WorkerConfiguration {
    /// A configuration error: names the variable, never a secret value.
    public struct ConfigurationError: Error, CustomStringConvertible {
        public var variable: String
        public var message: String
        public var description: String { "\(variable): \(message)" }
    }

    /// Reads the settings Django's `CELERY_*` names give (real environment over `.env`):
    ///
    /// | key | type | default |
    /// |---|---|---|
    /// | `CELERY_BROKER_URL` | Redis URL | `redis://localhost:6379/0` |
    /// | `CELERY_RESULT_BACKEND` | Redis URL, empty disables | `redis://localhost:6379/1` |
    /// | `CELERY_RESULT_EXPIRES` | seconds | 86400 |
    /// | `CELERY_TASK_SOFT_TIME_LIMIT` | seconds | none (SIGMA's settings: 300) |
    /// | `CELERY_TASK_TIME_LIMIT` | seconds | none (SIGMA's settings: 600) |
    /// | `CELERY_TASK_ACKS_LATE` | bool | false |
    /// | `CELERY_TASK_TRACK_STARTED` | bool | false |
    /// | `CELERY_WORKER_PREFETCH_MULTIPLIER` | int | 4 |
    /// | `CELERY_WORKER_SEND_TASK_EVENTS` | bool | false (`-E`) |
    /// | `CELERY_TASK_DEFAULT_QUEUE` | str | `celery` |
    /// | `CELERY_VISIBILITY_TIMEOUT` | seconds | 3600 |
    /// | `CELERY_BROKER_KEYPREFIX` | str | none (`global_keyprefix`) |
    /// | `CELERY_RESULT_DATE_STYLE` | `aware` or `naive` | `aware` |
    public init(environment env: [String: String]) throws {
        self.init()
        func value(_ key: String) -> String? {
            guard let text = env[key]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        func number(_ key: String) throws -> Double? {
            guard let text = value(key) else { return nil }
            guard let number = Double(text), number >= 0 else {
                throw ConfigurationError(variable: key, message: "expected a number of seconds")
            }
            return number
        }
        func flag(_ key: String) throws -> Bool? {
            guard let text = env[key] else { return nil }
            guard let flag = DotEnvFile.bool(text) else {
                throw ConfigurationError(variable: key, message: "expected a boolean (true/false)")
            }
            return flag
        }
        do {
            brokerURL = try RedisURL(parsing: value("CELERY_BROKER_URL") ?? "redis://localhost:6379/0")
        } catch {
            throw ConfigurationError(variable: "CELERY_BROKER_URL", message: error.message)
        }
        if let backend = env["CELERY_RESULT_BACKEND"] {
            if backend.trimmingCharacters(in: .whitespaces).isEmpty {
                backendURL = nil
            } else {
                do { backendURL = try RedisURL(parsing: backend) } catch {
                    throw ConfigurationError(variable: "CELERY_RESULT_BACKEND", message: error.message)
                }
            }
        } else {
            backendURL = try? RedisURL(parsing: "redis://localhost:6379/1")
        }
        if let expires = try number("CELERY_RESULT_EXPIRES") { resultExpires = expires == 0 ? nil : Int(expires) }
        softTimeLimit = try number("CELERY_TASK_SOFT_TIME_LIMIT") ?? softTimeLimit
        timeLimit = try number("CELERY_TASK_TIME_LIMIT") ?? timeLimit
        acksLate = try flag("CELERY_TASK_ACKS_LATE") ?? acksLate
        trackStarted = try flag("CELERY_TASK_TRACK_STARTED") ?? trackStarted
        poolRestarts = try flag("CELERY_WORKER_POOL_RESTARTS") ?? poolRestarts
        sendTaskEvents = try flag("CELERY_WORKER_SEND_TASK_EVENTS") ?? sendTaskEvents
        if let multiplier = try number("CELERY_WORKER_PREFETCH_MULTIPLIER") {
            prefetchMultiplier = max(1, Int(multiplier))
        }
        defaultQueue = value("CELERY_TASK_DEFAULT_QUEUE") ?? defaultQueue
        visibilityTimeout = try number("CELERY_VISIBILITY_TIMEOUT") ?? visibilityTimeout
        if let prefix = value("CELERY_BROKER_KEYPREFIX") { brokerKeys = BrokerKeys(prefix: prefix) }
        if value("CELERY_RESULT_DATE_STYLE") == "naive" { dateStyle = .naiveUTC }
        queues = [defaultQueue]
    }
}
