import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `--uid` / `--gid`: drop root's privileges to a user and group (names or numbers), as
/// Celery's `maybe_drop_privileges`: the group first (with the user's supplementary groups),
/// then the user; a refusal is a plain error and exit status 2.
enum Privileges {
    static func drop(user: String?, group: String?) throws {
        var groupID: gid_t?
        if let group {
            if let number = gid_t(group) {
                groupID = number
            } else if let entry = getgrnam(group) {
                groupID = entry.pointee.gr_gid
            } else {
                try WorkerCommand.usageError("Invalid value for '--gid': no group named '\(group)'.")
            }
        }
        var userID: uid_t?
        var userName: String?
        if let user {
            let entry = uid_t(user).flatMap { getpwuid($0) } ?? getpwnam(user)
            guard let entry else { try WorkerCommand.usageError("Invalid value for '--uid': no user named '\(user)'.") }
            userID = entry.pointee.pw_uid
            userName = String(cString: entry.pointee.pw_name)
            if groupID == nil { groupID = entry.pointee.pw_gid }
        }
        if let groupID {
            if let userName { initgroups(userName, groupID) }
            guard setgid(groupID) == 0 else {
                try WorkerCommand.usageError("cannot change to group \(groupID): \(String(cString: strerror(errno)))")
            }
        }
        if let userID {
            guard setuid(userID) == 0 else {
                try WorkerCommand.usageError("cannot change to user \(userID): \(String(cString: strerror(errno)))")
            }
        }
    }
}
