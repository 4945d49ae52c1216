import CeleryWire
import CeleryWorker
import DjangoTemplates
import Foundation
import Logging
import SigmaDatabase

/// One execution of a SIGMA task: its services, context, country and log prefix, plus the
/// rules every task shares (errors become retries, the "already e-mailed" marker, clean-up).
struct TaskRun: Sendable {
    let services: SigmaServices
    let context: TaskContext
    /// `[RHITSO]`, `[DIAGNOSTICO]`, `[IMAGENES]`.
    let prefix: String
    /// The country of the message's `db_alias`.
    let country: Country
    /// Temporary files removed when the run ends, whatever the outcome.
    let temporaryFiles = TemporaryFiles()

    /// Resolves the country of `db_alias`; an unknown alias fails at once (no retry).
    init(services: SigmaServices, context: TaskContext, prefix: String) throws(TaskFailure) {
        self.services = services
        self.context = context
        self.prefix = prefix
        let alias =
            context.arguments["db_alias"].stringValue ?? context.arguments.extraKeywords["db_alias"]?.stringValue
        do {
            country = try Country.forDBAlias(alias, environment: services.environment)
        } catch {
            let message = (error as? SigmaDatabaseError)?.message ?? "\(error)"
            context.logger.error("\(prefix) \(message)")
            throw TaskFailure(.builtin("ValueError", message))
        }
    }

    /// The country's database.
    var database: CountryDatabase { services.databases.database(country.dbAlias) }

    func info(_ text: String) { context.logger.info("\(prefix) \(text)") }
    func warning(_ text: String) { context.logger.warning("\(prefix) \(text)") }
    func error(_ text: String) { context.logger.error("\(prefix) \(text)") }

    /// Runs the task body. Any error other than an explicit failure is logged with
    /// `failureLine` and turned into a retry after the configured countdown (Celery then stores
    /// FAILURE with the same exception once the retries are used up). Temporary files are removed
    /// on every path.
    func guarded(failureLine: @escaping @Sendable (String) -> String, _ body: () async throws -> JSONValue) async throws
        -> JSONValue
    {
        defer {
            for (url, reason) in temporaryFiles.removeAll() {
                warning("No se pudo eliminar archivo temporal \(url.path): \(reason)")
            }
        }
        do {
            return try await body()
        } catch let failure as TaskFailure {
            throw failure
        } catch let retry as TaskRetry {
            throw retry
        } catch {
            let exception: ExceptionInfo =
                error is CancellationError ? .softTimeLimitExceeded : ExceptionInfo(error: error)
            let text = exception.arguments.first?.stringValue ?? "\(error)"
            context.logger.error(
                "\(prefix) \(failureLine(text))",
                metadata: ["retries": "\(context.request.retries)", "error.type": "\(exception.type)"])
            throw TaskRetry(countdown: services.configuration.retryCountdown, exception: exception)
        }
    }

    /// Whether an earlier attempt of this task id already had its e-mail accepted (DECISIONS #8).
    /// Without a result backend there is no memory across attempts: `false`.
    func emailAlreadySent() async throws -> Bool {
        guard let results = context.results else { return false }
        return try await SentEmailMarkers(results: results).wasSent(taskID: context.request.id)
    }

    /// Records that this task id's e-mail was accepted; kept as long as the task's result.
    func recordEmailSent(messageID: String) async {
        guard let results = context.results else { return }
        do {
            try await SentEmailMarkers(results: results).markSent(taskID: context.request.id, messageID: messageID)
        } catch {
            warning("No se pudo registrar el envío del correo en el backend de resultados: \(error)")
        }
    }

    /// Renders an e-mail's body (the deployment's template, or the built-in one) and logs which
    /// file it came from and how long it took.
    func renderEmail(_ email: EmailTemplate, values: (EmailRendering) throws -> [String: TemplateValue]) throws
        -> String
    {
        let body = try services.templates.render(email, countryTimeZone: country.timezone, values: values)
        let milliseconds =
            Double(body.duration.components.attoseconds) / 1e15
            + Double(body.duration.components.seconds) * 1000
        info("Plantilla del correo: \(body.source) (\(String(format: "%.2f", milliseconds)) ms)")
        return body.html
    }

    /// Runs blocking work on the services' threads.
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await services.executor.run(body)
    }

    /// `dd/mm/YYYY` and `HH:MM` of an instant in the country's time zone (DECISIONS #10).
    func localDate(_ date: Date) -> (date: String, time: String) {
        LocalTime.format(date, timeZone: timeZone)
    }

    /// The country's time zone.
    var timeZone: TimeZone { TimeZone(identifier: country.timezone) ?? TimeZone(identifier: "UTC")! }
}

/// Date formatting for people: `dd/mm/YYYY` and `HH:MM`.
enum LocalTime {
    static func format(_ date: Date, timeZone: TimeZone) -> (date: String, time: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int?) -> String {
            let v = value ?? 0
            return v < 10 ? "0\(v)" : "\(v)"
        }
        return ("\(two(c.day))/\(two(c.month))/\(c.year ?? 0)", "\(two(c.hour)):\(two(c.minute))")
    }
}
