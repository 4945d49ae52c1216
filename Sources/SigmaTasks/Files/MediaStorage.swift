import Foundation

/// Finds uploaded images on disk the way SIGMA's storage and media view do (§6.1, DECISIONS #14):
/// the stored name gets the country prefix when it lacks one, then it is looked up under the
/// primary root and then the alternate root. A name that escapes its root is refused.
public struct MediaStorage: Sendable {
    /// Storage roots in search order (duplicates removed).
    public var roots: [String]

    /// Creates a storage over `PRIMARY_MEDIA_ROOT` then `ALTERNATE_MEDIA_ROOT`.
    ///
    /// - Parameters:
    ///   - primaryRoot: searched first.
    ///   - alternateRoot: searched second.
    public init(primaryRoot: String, alternateRoot: String) {
        roots = primaryRoot == alternateRoot ? [primaryRoot] : [primaryRoot, alternateRoot]
    }

    /// The stored name with the country prefix (`mexico/…`) added when it does not start with it.
    ///
    /// - Parameters:
    ///   - name: the `imagen` column value.
    ///   - mediaSubdir: the country's `media_subdir`.
    public static func prefixed(_ name: String, mediaSubdir: String) -> String {
        name.hasPrefix(mediaSubdir + "/") ? name : mediaSubdir + "/" + name
    }

    /// The first regular file for a stored name, with the country prefix rule.
    ///
    /// - Parameters:
    ///   - name: the `imagen` column value.
    ///   - mediaSubdir: the country's `media_subdir`.
    /// - Returns: the file, or `nil` when no root has it.
    /// - Throws: ``SigmaTaskError`` `unsafePath` when the name escapes the root.
    public func locate(_ name: String, mediaSubdir: String) throws -> URL? {
        try locate(exactName: Self.prefixed(name, mediaSubdir: mediaSubdir))
    }

    /// The first regular file for a stored name taken as is (the RHITSO authorization image).
    ///
    /// - Parameter name: a path relative to a storage root.
    /// - Returns: the file, or `nil` when no root has it.
    /// - Throws: ``SigmaTaskError`` `unsafePath` when the name escapes the root.
    public func locate(exactName name: String) throws -> URL? {
        for root in roots {
            let url = try Self.safeJoin(root: root, name: name)
            if Self.isRegularFile(url) { return url }
        }
        return nil
    }

    /// Where a name would be under the first root (for messages).
    ///
    /// - Parameters:
    ///   - name: the `imagen` column value.
    ///   - mediaSubdir: the country's `media_subdir`.
    public func expectedPath(_ name: String, mediaSubdir: String) -> String {
        let full = Self.prefixed(name, mediaSubdir: mediaSubdir)
        return (try? Self.safeJoin(root: roots[0], name: full).path) ?? full
    }

    /// Django's `safe_join`: the normalised path of `name` under `root`, refusing absolute names
    /// and names whose `..` components leave the root.
    ///
    /// - Parameters:
    ///   - root: the storage root.
    ///   - name: a relative name with `/` separators.
    /// - Throws: ``SigmaTaskError`` `unsafePath`.
    public static func safeJoin(root: String, name: String) throws -> URL {
        let refused = SigmaTaskError(
            .unsafePath, "The joined path (\(name)) is located outside of the base path component (\(root))")
        if name.hasPrefix("/") || name.contains("\0") { throw refused }
        var components: [Substring] = []
        for part in name.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                if components.isEmpty { throw refused }
                components.removeLast()
            default: components.append(part)
            }
        }
        if components.isEmpty { throw refused }
        return URL(fileURLWithPath: root).appendingPathComponent(components.joined(separator: "/"))
    }

    static func isRegularFile(_ url: URL) -> Bool {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else { return false }
        return (attributes[.type] as? FileAttributeType) == .typeRegular
    }
}
