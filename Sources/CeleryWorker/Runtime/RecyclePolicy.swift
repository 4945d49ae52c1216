/// When the worker replaces its own process, as a prefork pool recycles its children:
/// `--max-tasks-per-child N` turns a Python pool over every `N × concurrency` tasks (each child
/// exits after N), so this worker re-executes itself after that many; `--max-memory-per-child K`
/// (KiB, as Celery's flag) when the process's own anonymous memory (`RssAnon`: shared-library
/// pages do not count) passes K after a task. Pure: the runtime asks after every task.
public struct RecyclePolicy: Sendable, Equatable {
    /// Tasks per pool child (Celery's `worker_max_tasks_per_child`), nil for no limit.
    public var maxTasksPerChild: Int?
    /// Resident anonymous memory in KiB (Celery's `worker_max_memory_per_child`), nil for no limit.
    public var maxMemoryPerChild: Int?
    /// Slots: the pool's size.
    public var concurrency: Int

    public init(maxTasksPerChild: Int?, maxMemoryPerChild: Int?, concurrency: Int) {
        self.maxTasksPerChild = maxTasksPerChild.flatMap { $0 > 0 ? $0 : nil }
        self.maxMemoryPerChild = maxMemoryPerChild.flatMap { $0 > 0 ? $0 : nil }
        self.concurrency = max(1, concurrency)
    }

    /// Tasks after which the process is replaced.
    public var taskLimit: Int? { maxTasksPerChild.map { $0 * concurrency } }

    /// Whether memory needs to be read after each task.
    public var watchesMemory: Bool { maxMemoryPerChild != nil }

    /// Why the process must be replaced now, or nil.
    /// - Parameters:
    ///   - processed: tasks completed by this process.
    ///   - anonymousKiB: `RssAnon` now (nil when unknown or not read).
    public func reason(processed: Int, anonymousKiB: Int?) -> Reason? {
        if let limit = taskLimit, processed >= limit {
            return .tasks(limit: maxTasksPerChild ?? 0, processed: processed)
        }
        if let limit = maxMemoryPerChild, let used = anonymousKiB, used > limit {
            return .memory(limit: limit, used: used)
        }
        return nil
    }

    /// Why a recycle happens, for the log line.
    public enum Reason: Sendable, Equatable, CustomStringConvertible {
        case tasks(limit: Int, processed: Int)
        case memory(limit: Int, used: Int)

        public var description: String {
            switch self {
            case .tasks(let limit, let processed):
                "max tasks per child reached (\(limit) per slot, \(processed) tasks run)"
            case .memory(let limit, let used):
                "max memory per child reached (\(used) KiB resident, limit \(limit) KiB)"
            }
        }
    }

    /// `RssAnon` in KiB from the text of `/proc/self/status`, nil when absent.
    public static func anonymousKiB(status: String) -> Int? { kilobytes("RssAnon", status: status) }

    /// A `Name:   1234 kB` field of `/proc/self/status`, nil when absent.
    public static func kilobytes(_ field: String, status: String) -> Int? {
        let prefix = field + ":"
        for line in status.split(separator: "\n") where line.hasPrefix(prefix) {
            let fields = line.dropFirst(prefix.count).split(whereSeparator: { $0 == " " || $0 == "\t" })
            return fields.first.flatMap { Int($0) }
        }
        return nil
    }

    /// The text of `/proc/self/status` now (empty when unreadable).
    static func processStatus() -> String {
        (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    }
}
