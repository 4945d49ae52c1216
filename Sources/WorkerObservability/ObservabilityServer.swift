import CeleryWorker
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle
import Synchronization

/// The worker's HTTP endpoint (`--metrics-port`): `/metrics` in Prometheus' text format,
/// `/healthz` (200 while Redis answers and the consumer loop turns, 503 otherwise) and
/// `/readyz` (200 from `ready.` until the shutdown begins). A probe thread asks Redis for
/// `PING` and the consumed queues' lengths every second, so a request never waits on Redis.
public final class ObservabilityServer: Service, Sendable {
    private let host: String
    private let port: Int
    private let registry: PrometheusCollectorRegistry
    private let runtime: WorkerRuntime
    private let logger: Logger
    private let bound = Mutex<Int?>(nil)

    /// - Parameters:
    ///   - host: the address to listen on (127.0.0.1 unless told).
    ///   - port: the port (0: any free one, see ``boundPort``).
    ///   - registry: where swift-metrics was bootstrapped to.
    public init(host: String, port: Int, registry: PrometheusCollectorRegistry, runtime: WorkerRuntime, logger: Logger)
    {
        self.host = host
        self.port = port
        self.registry = registry
        self.runtime = runtime
        self.logger = logger
    }

    /// The port listened on, once bound.
    public var boundPort: Int? { bound.withLock { $0 } }

    public func run() async throws {
        let probe = RedisProbe(runtime: runtime, logger: logger)
        probe.start()
        defer { probe.stop() }
        let routes = Routes(registry: registry, runtime: runtime, probe: probe)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                    channel.pipeline.addHandler(HTTPHandler(routes: routes))
                }
            }
            .bind(host: host, port: port).get()
        let actual = channel.localAddress?.port ?? port
        bound.withLock { $0 = actual }
        logger.info("metrics: serving http://\(host):\(actual)/metrics, /healthz and /readyz")
        try? await gracefulShutdown()
        runtime.health.setReady(false)
        try? await channel.close()
    }
}

/// What each path answers.
struct Routes: Sendable {
    let registry: PrometheusCollectorRegistry
    let runtime: WorkerRuntime
    let probe: RedisProbe

    func respond(to path: String) -> (HTTPResponseStatus, String, [UInt8]) {
        let route = path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? path
        switch route {
        case "/metrics":
            runtime.metrics.set(runtime.gauges(queueLengths: probe.queueLengths))
            var buffer: [UInt8] = []
            registry.emit(into: &buffer)
            return (.ok, "text/plain; version=0.0.4; charset=utf-8", buffer)
        case "/healthz", "/health":
            let healthy = runtime.health.isHealthy
            return (healthy ? .ok : .serviceUnavailable, "text/plain", Array((healthy ? "ok\n" : "unhealthy\n").utf8))
        case "/readyz":
            let ready = runtime.health.isReady
            return (ready ? .ok : .serviceUnavailable, "text/plain", Array((ready ? "ready\n" : "not ready\n").utf8))
        default:
            return (.notFound, "text/plain", Array("not found\n".utf8))
        }
    }
}

/// One HTTP/1.1 request at a time per connection; GET and HEAD.
final class HTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let routes: Routes
    private var head: HTTPRequestHead?

    init(routes: Routes) { self.routes = routes }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request): head = request
        case .body: break
        case .end:
            guard let request = head else { return }
            head = nil
            var (status, type, body) = routes.respond(to: request.uri)
            if request.method != .GET && request.method != .HEAD {
                (status, type, body) = (.methodNotAllowed, "text/plain", Array("GET only\n".utf8))
            }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: type)
            headers.add(name: "Content-Length", value: "\(body.count)")
            if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))),
                promise: nil)
            if request.method != .HEAD {
                context.write(
                    wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            }
            let keepAlive = request.isKeepAlive
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                if !keepAlive { channel.close(promise: nil) }
            }
        }
    }
}
