/// Celery's expansion of node names and file names (`celery/utils/nodenames.py`), pure:
///
/// - `-n/--hostname`: a value without `@` is the host part (`-n w1` is `celery@w1`); then `%h`
///   is the machine's full hostname, `%n` its first label, `%d` its domain.
/// - `--logfile`, `--pidfile`: against the node name: `%h` and `%d` from its host part, `%n` its
///   name part (`celery` when empty), `%p` the whole node name, `%i` the pool process index (`0`
///   in a single-process worker) and `%I` the same with a dash (empty here), `%%` a literal `%`.
///
/// Any other `%x` is an error, as in Celery.
public enum NodeNames {
    /// A `%x` Celery does not know.
    public struct UnknownKey: Error, Equatable, CustomStringConvertible {
        public let key: Character
        public let text: String

        public var description: String {
            "unknown placeholder %\(key) in '\(text)' (known: %h %n %d, and in file names %p %i %I; %% for a literal %)"
        }
    }

    /// `name@host` split at the first `@`; a value without `@` is all host.
    public static func split(_ nodename: String) -> (name: String, host: String) {
        guard let at = nodename.firstIndex(of: "@") else { return ("", nodename) }
        return (String(nodename[..<at]), String(nodename[nodename.index(after: at)...]))
    }

    /// The node name `-n value` gives (Celery's `host_format(default_nodename(value))`).
    public static func nodename(_ value: String?, machineHostname: String) throws(UnknownKey) -> String {
        let (name, host) = split(value ?? "")
        let full = (name.isEmpty ? "celery" : name) + "@" + (host.isEmpty ? machineHostname : host)
        return try expand(full, keys: hostKeys(machineHostname, name: nil))
    }

    /// A `--logfile` or `--pidfile` pattern for this node (Celery's `node_format`), in the main
    /// process of a single-process pool (`%i` = `0`, `%I` empty).
    public static func fileName(_ pattern: String, nodename: String) throws(UnknownKey) -> String {
        let (name, host) = split(nodename)
        var keys = hostKeys(host, name: name.isEmpty ? "celery" : name)
        keys["p"] = nodename
        keys["i"] = "0"
        keys["I"] = ""
        return try expand(pattern, keys: keys)
    }

    private static func hostKeys(_ host: String, name: String?) -> [Character: String] {
        let dot = host.firstIndex(of: ".")
        let short = dot.map { String(host[..<$0]) } ?? host
        let domain = dot.map { String(host[host.index(after: $0)...]) } ?? ""
        return ["h": host, "n": name ?? short, "d": domain]
    }

    /// Replaces `%x` by `keys[x]` (`%%` by `%`); a `%` before anything else that is a word
    /// character is an unknown key; a `%` before a non-word character stays as it is.
    static func expand(_ text: String, keys: [Character: String]) throws(UnknownKey) -> String {
        var out = ""
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            guard character == "%" else {
                out.append(character)
                continue
            }
            guard let key = iterator.next() else {
                out.append("%")
                break
            }
            if key == "%" {
                out.append("%")
            } else if let value = keys[key] {
                out += value
            } else if key.isLetter || key.isNumber || key == "_" {
                throw UnknownKey(key: key, text: text)
            } else {
                out.append("%")
                out.append(key)
            }
        }
        return out
    }
}
