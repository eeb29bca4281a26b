// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "rohrpost-relay",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rohrpost-relay", targets: ["rohrpost-relay"]),
        .library(name: "RohrpostRelay", targets: ["RohrpostRelay"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // libpq, the PostgreSQL C client, as a Swift module.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),

        // The rohrpost protocol as plain values: parsing, replies, groups, event messages.
        .target(name: "RohrpostProtocol"),

        // The PostgreSQL side: libpq connection, LISTEN loop, journal reader, migrations.
        .target(
            name: "RohrpostPostgres",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
            ],
            plugins: ["EmbedSQL"]
        ),

        // The network side: NIO bootstrap, WebSocket upgrade, connections and fan-out.
        .target(
            name: "RohrpostServer",
            dependencies: [
                "RohrpostProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            plugins: ["EmbedClientScript"]
        ),

        // The relay as a library: configuration and the services that join both sides.
        .target(
            name: "RohrpostRelay",
            dependencies: [
                "RohrpostProtocol",
                "RohrpostPostgres",
                "RohrpostServer",
                "RohrpostAuth",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),

        // Who may subscribe to what: JWT verification, claim and SQL authorization, key reload.
        .target(
            name: "RohrpostAuth",
            dependencies: [
                "RohrpostProtocol",
                "RohrpostPostgres",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),

        // The command-line tool: flags and environment onto configuration, then run.
        .executableTarget(
            name: "rohrpost-relay",
            dependencies: [
                "RohrpostRelay",
                "RohrpostServer",
                "RohrpostAuth",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),

        // The load generator: WebSocket clients, paced writes, a frame blaster baseline, figures.
        .executableTarget(
            name: "rohrpost-bench",
            dependencies: [
                "RohrpostPostgres",
                "RohrpostServer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),

        // Build tools that embed the SQL migrations of `sql/` into the PostgreSQL module and
        // the JavaScript client of `clients/js/` into the server module (the live page's).
        .executableTarget(name: "EmbedTool"),
        .plugin(name: "EmbedSQL", capability: .buildTool(), dependencies: ["EmbedTool"]),
        .plugin(name: "EmbedClientScript", capability: .buildTool(), dependencies: ["EmbedTool"]),

        // Shared by the live tests: a throwaway PostgreSQL cluster and a WebSocket client.
        .target(
            name: "RelayTestSupport",
            dependencies: [
                "RohrpostPostgres",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            path: "Tests/RelayTestSupport"
        ),

        .testTarget(name: "RohrpostProtocolTests", dependencies: ["RohrpostProtocol"]),
        .testTarget(
            name: "RohrpostAuthTests",
            dependencies: [
                "RohrpostAuth", "RohrpostPostgres", "RohrpostProtocol", "RohrpostRelay", "RelayTestSupport",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "RohrpostBenchTests", dependencies: ["rohrpost-bench"]),
        .testTarget(name: "RohrpostRelayCommandTests", dependencies: ["rohrpost-relay"]),
        .testTarget(
            name: "RohrpostServerTests",
            dependencies: [
                "RohrpostServer",
                "RohrpostProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "RohrpostPostgresTests",
            dependencies: [
                "RohrpostPostgres",
                "RelayTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "RohrpostRelayTests",
            dependencies: [
                "RohrpostRelay", "RohrpostPostgres", "RelayTestSupport", "RohrpostProtocol", "RohrpostAuth",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
    ]
)
