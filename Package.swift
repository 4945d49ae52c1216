// swift-tools-version:6.0
import PackageDescription

/// One settings array for every Swift target.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "sigma-worker",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sigma-worker", targets: ["sigma-worker"]),
        .library(name: "CeleryWire", targets: ["CeleryWire"]),
        .library(name: "CeleryWorker", targets: ["CeleryWorker"]),
        .library(name: "SigmaTasks", targets: ["SigmaTasks"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
    ],
    targets: [
        // MARK: C libraries
        .target(name: "CZlibShim", linkerSettings: [.linkedLibrary("z")]),
        .systemLibrary(name: "CHiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .target(
            name: "CImageShim", dependencies: ["CJPEG", "CPNG"],
            // Hot pixel loops: optimised even in debug builds (the demo and tests run debug).
            cSettings: [.unsafeFlags(["-O2"])]
        ),

        // MARK: Blocking work
        .target(
            name: "BlockingExecutor",
            dependencies: [.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: swiftSettings
        ),

        // MARK: Protocol
        .target(name: "CeleryWire", dependencies: ["CZlibShim"], swiftSettings: swiftSettings),

        // MARK: Runtime
        .target(
            name: "CeleryWorker",
            dependencies: [
                "CeleryWire", "CHiredis",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "CeleryTestTasks", dependencies: ["CeleryWorker"], swiftSettings: swiftSettings),
        .target(
            name: "WorkerObservability",
            dependencies: [
                "CeleryWorker",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: SIGMA
        .target(
            name: "SigmaDatabase",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "DjangoTemplates", dependencies: ["CeleryWire"], swiftSettings: swiftSettings),
        .target(name: "CeleryBeat", dependencies: ["CeleryWire"], swiftSettings: swiftSettings),
        .target(
            name: "SigmaBeat",
            dependencies: [
                "CeleryBeat", "CeleryWire", "CeleryWorker", "SigmaDatabase",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "SigmaMail",
            dependencies: [
                "CCurlShim", "BlockingExecutor",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SigmaDocuments",
            dependencies: ["CImageShim", "CZlibShim"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "sigma-documents-bench",
            dependencies: ["SigmaDocuments"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SigmaTasks",
            dependencies: [
                "CeleryWire", "CeleryWorker", "DjangoTemplates", "SigmaDatabase", "SigmaMail", "SigmaDocuments",
                "BlockingExecutor",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "sigma-worker",
            dependencies: [
                "CeleryWire", "CeleryWorker", "CeleryTestTasks", "SigmaTasks", "CeleryBeat", "SigmaBeat",
                "SigmaDatabase", "WorkerObservability",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        .target(
            name: "SigmaTestSupport", dependencies: [.product(name: "Logging", package: "swift-log")],
            path: "Tests/SigmaTestSupport", swiftSettings: swiftSettings),
        .target(
            name: "CeleryWorkerTestSupport",
            dependencies: [
                "CeleryWorker", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/CeleryWorkerTestSupport", swiftSettings: swiftSettings),
        .testTarget(
            name: "CeleryWireTests", dependencies: ["CeleryWire", "SigmaTestSupport"],
            resources: [.copy("Support")], swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CeleryWorkerTests",
            dependencies: [
                "CeleryWorker", "CeleryTestTasks", "SigmaTestSupport", "CeleryWorkerTestSupport", "WorkerObservability",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Support"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CeleryBeatTests",
            dependencies: [
                "CeleryBeat", "CeleryWire", "SigmaBeat", "SigmaDatabase", "SigmaTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["celery_schedules.py"], swiftSettings: swiftSettings),
        .testTarget(
            name: "DjangoTemplatesTests", dependencies: ["DjangoTemplates", "CeleryWire"],
            exclude: ["Corpus"], swiftSettings: swiftSettings),
        .testTarget(name: "SigmaDatabaseTests", dependencies: ["SigmaDatabase"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SigmaMailTests", dependencies: ["SigmaMail", "SigmaTestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "SigmaDocumentsTests", dependencies: ["SigmaDocuments"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SigmaTasksTests",
            dependencies: [
                "SigmaTasks", "CeleryWire", "CeleryWorker", "SigmaDatabase", "SigmaMail", "SigmaTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
