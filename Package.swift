// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "shotc",
    products: [
        .executable(name: "shotc", targets: ["shotc"]),
        .library(name: "ShotKit", targets: ["ShotKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System libraries: the Debian -dev packages. libyaml is found through pkg-config and linked.
        .systemLibrary(
            name: "CYaml", path: "Sources/CYaml", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        // libcurl's headers only (in clang's default multiarch include path): nothing links libcurl,
        // FalKit loads it with dlopen on first use (no pkgConfig, which would add -lcurl).
        // glibc's mallopt, to tune the allocator for a compile (see shotc's Main).
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),

        // One JSON model that reads and writes (ordered objects, deterministic bytes).
        .target(name: "ShotJSON"),
        // The compiler: pure, no printing, no environment, no network.
        .target(name: "ShotKit", dependencies: ["CYaml", "ShotJSON"]),
        // fal's queue protocol over libcurl; the only module that imports CCurl.
        .target(name: "FalKit", dependencies: ["CCurl", "ShotJSON"]),
        // Plans, run records, scheduling and progress for `shotc run`.
        .target(
            name: "ShotRunner",
            dependencies: [
                "ShotKit", "FalKit",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The language server: JSON-RPC framing and dispatch, and the editor features.
        .target(name: "ShotLSP", dependencies: ["ShotKit"]),
        // The command line.
        .executableTarget(
            name: "shotc",
            dependencies: [
                "ShotKit", "ShotRunner", "ShotLSP", "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // `shotc board --serve`.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        // Test support: a stand-in for fal's queue, storage and CDN on 127.0.0.1.
        .executableTarget(
            name: "fal-standin",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),

        // Shared by the test targets: start the stand-in, talk raw HTTP to it, run the built shotc
        // on a scratch copy of an example (RunWorld: the two together).
        .target(name: "ShotcTestSupport", path: "Sources/ShotcTestSupport"),
        .testTarget(name: "ShotKitTests", dependencies: ["ShotKit", "ShotcTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "FalKitTests", dependencies: ["FalKit", "fal-standin", "ShotcTestSupport"]),
        .testTarget(name: "ShotRunnerTests", dependencies: ["ShotRunner"]),
        .testTarget(name: "ShotLSPTests", dependencies: ["ShotLSP"]),
        .testTarget(name: "ShotcCLITests", dependencies: ["shotc", "fal-standin", "ShotcTestSupport"]),
    ]
)
