// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "LineChat",
    products: [
        .executable(name: "linechat-server", targets: ["linechat-server"]),
        .library(name: "LineProtocol", targets: ["LineProtocol"]),
    ],
    targets: [
        // Pure: bytes in, typed commands and formatted replies out. No I/O, no Foundation.
        .target(name: "LineProtocol"),
        // Pure chat logic: sessions, the registry, command handlers. No sockets.
        .target(name: "ChatCore", dependencies: ["LineProtocol"]),
        // Our few lines of C: epoll, eventfd, accept4 and the CPU count, which Glibc does not export.
        .target(name: "CLinux"),
        // The only target that makes syscalls: event loops, connections, the server.
        .target(name: "ChatServer", dependencies: ["ChatCore", "CLinux"]),
        .executableTarget(name: "linechat-server", dependencies: ["ChatServer"]),

        .testTarget(name: "LineProtocolTests", dependencies: ["LineProtocol"]),
        .testTarget(name: "ChatCoreTests", dependencies: ["ChatCore"]),
        .testTarget(name: "ChatServerTests", dependencies: ["ChatServer"]),
    ],
    swiftLanguageModes: [.v6]
)
