import CCurl
import CCurlShim

/// Owns one libcurl easy handle (freed in `deinit`). Used by one thread at a time.
final class CurlEasy {
    /// The raw handle, valid for the object's lifetime.
    let handle: UnsafeMutableRawPointer

    /// Creates a handle after initialising libcurl once per process.
    init() throws {
        guard CurlGlobal.initialized, let handle = curl_easy_init() else {
            throw MailError(.protocolError, "libcurl could not be initialised")
        }
        self.handle = handle
    }

    deinit { curl_easy_cleanup(handle) }

    /// Sets an integer option.
    func set(_ option: CURLoption, _ value: Int) throws {
        try Self.check(sw_curl_setopt_long(handle, option, value), option: option)
    }

    /// Sets a string option (libcurl copies it).
    func set(_ option: CURLoption, _ value: String) throws {
        try Self.check(value.withCString { sw_curl_setopt_string(handle, option, $0) }, option: option)
    }

    /// Sets a string-list option; `list` must outlive the transfer.
    func set(_ option: CURLoption, _ list: CurlStringList) throws {
        try Self.check(sw_curl_setopt_slist(handle, option, list.head), option: option)
    }

    /// Reads an integer information value, 0 when unavailable.
    func info(_ info: CURLINFO) -> Int {
        var value = 0
        return sw_curl_getinfo_long(handle, info, &value) == CURLE_OK ? value : 0
    }

    /// Turns a failed `curl_easy_setopt` into a ``MailError``.
    static func check(_ code: CURLcode, option: CURLoption) throws {
        guard code == CURLE_OK else {
            throw MailError(
                .invalidConfiguration, "libcurl refused option \(option.rawValue): \(describe(code))",
                curlCode: Int(code.rawValue)
            )
        }
    }

    /// libcurl's text for a result code.
    static func describe(_ code: CURLcode) -> String {
        curl_easy_strerror(code).map { String(cString: $0) } ?? "curl error \(code.rawValue)"
    }
}

/// Owns a `curl_slist` (freed in `deinit`).
final class CurlStringList {
    private(set) var head: UnsafeMutablePointer<curl_slist>?

    /// Creates a list holding `strings` (libcurl copies each).
    init(_ strings: [String]) throws {
        for string in strings {
            guard let next = curl_slist_append(head, string) else {
                throw MailError(.protocolError, "libcurl could not allocate a string list")
            }
            head = next
        }
    }

    deinit { curl_slist_free_all(head) }
}

/// `curl_global_init`, once per process, before any handle exists.
enum CurlGlobal {
    /// `true` when libcurl initialised.
    static let initialized: Bool = curl_global_init(Int(CURL_GLOBAL_ALL)) == CURLE_OK
}
