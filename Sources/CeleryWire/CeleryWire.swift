/// CeleryWire: the Celery 5.x wire protocol over kombu's Redis transport, with no I/O.
///
/// What it implements, and the kombu conventions it follows:
/// - **Envelopes** (`KombuEnvelope`): the JSON object kombu pushes onto a Redis list, with `body`
///   (base64 per `properties.body_encoding`), `content-type`, `content-encoding`, `headers` and
///   `properties` (`delivery_tag`, `delivery_info.exchange` / `.routing_key`, `priority`).
/// - **Task messages** (`TaskRequest`, `TaskMessage`): protocol v2 (`[args, kwargs, embed]` body and
///   task headers), protocol v1 (a dict body) and the hybrid form; `timelimit` is `[hard, soft]`.
/// - **Serialization** (`JSONValue`, `KombuTypedValue`): kombu's JSON dialect (Python `json`
///   separators, ASCII escapes, `NaN`/`Infinity`, unbounded integers) and its typed extension
///   `{"__type__": …, "__value__": …}` for datetime, date, time, decimal, uuid, bytes and base64.
///   Only JSON is deserialized: pickle, YAML and msgpack are refused, never decoded.
/// - **Compression**: `headers.compression` `application/x-gzip` (a zlib stream) and gzip.
/// - **Results** (`ResultRecord`): the `celery-task-meta-<id>` document for every state.
/// - **Key names** (`BrokerKeys`, `BackendKeys`): queues `celery`, `celery\u{06}\u{16}3` …,
///   `unacked`, `unacked_index`, `unacked_mutex`, `_kombu.binding.<exchange>`,
///   `/<db>.<exchange>` fanout channels, and result keys with either key prefix.
public enum CeleryWire {
    /// The largest body this library inflates or parses, in bytes (decompression-bomb guard).
    public static let maximumBodySize = 512 * 1024 * 1024
}
