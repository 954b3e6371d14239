import CLinux  // socket constants: a release (whole-module) build finds them through CLinux's headers
@preconcurrency import Glibc

/// An IPv4 or IPv6 socket address.
public struct SocketAddress: Sendable, CustomStringConvertible {
    var storage: sockaddr_storage

    init(_ storage: sockaddr_storage) { self.storage = storage }

    /// Parses a numeric IPv4 or IPv6 host (no name lookup); "localhost" means 127.0.0.1.
    public init?(host: String, port: Int) {
        guard (0...65535).contains(port) else { return nil }
        var storage = sockaddr_storage()
        let host = host == "localhost" ? "127.0.0.1" : host
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                address.pointee.sin_family = sa_family_t(AF_INET)
                address.pointee.sin_port = in_port_t(UInt16(port).bigEndian)
                address.pointee.sin_addr = v4
            }
        } else if inet_pton(AF_INET6, host, &v6) == 1 {
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                address.pointee.sin6_family = sa_family_t(AF_INET6)
                address.pointee.sin6_port = in_port_t(UInt16(port).bigEndian)
                address.pointee.sin6_addr = v6
            }
        } else {
            return nil
        }
        self.storage = storage
    }

    /// Resolves a host name or numeric address (getaddrinfo), preferring IPv4.
    public static func resolve(host: String, port: Int) throws(AddressError) -> SocketAddress {
        if let address = SocketAddress(host: host, port: port) { return address }
        guard (0...65535).contains(port) else { throw .invalidPort(port) }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            throw .unresolvable(host: host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var best: SocketAddress?
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            if current.pointee.ai_family == AF_INET || (best == nil && current.pointee.ai_family == AF_INET6) {
                var storage = sockaddr_storage()
                withUnsafeMutableBytes(of: &storage) { raw in
                    raw.baseAddress!.copyMemory(from: current.pointee.ai_addr, byteCount: Int(current.pointee.ai_addrlen))
                }
                best = SocketAddress(storage)
                if current.pointee.ai_family == AF_INET { break }
            }
            entry = current.pointee.ai_next
        }
        guard let best else { throw .unresolvable(host: host, reason: "no IPv4 or IPv6 address") }
        return best
    }

    public var family: Int32 { Int32(storage.ss_family) }

    var length: socklen_t {
        socklen_t(family == AF_INET6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
    }

    public var port: Int {
        withUnsafeBytes(of: storage) { raw in
            family == AF_INET6
                ? Int(UInt16(bigEndian: raw.load(as: sockaddr_in6.self).sin6_port))
                : Int(UInt16(bigEndian: raw.load(as: sockaddr_in.self).sin_port))
        }
    }

    /// The numeric host, for example "127.0.0.1" or "::1".
    public var host: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        withUnsafeBytes(of: storage) { raw in
            if family == AF_INET6 {
                var address = raw.load(as: sockaddr_in6.self).sin6_addr
                _ = inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
            } else {
                var address = raw.load(as: sockaddr_in.self).sin_addr
                _ = inet_ntop(AF_INET, &address, &text, socklen_t(text.count))
            }
        }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// "host:port", with brackets around an IPv6 host.
    public var description: String { family == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The `host` part of a `description`, without building the address again.
    public static func host(ofDescription description: String) -> Substring {
        if description.hasPrefix("["), let end = description.firstIndex(of: "]") {
            return description[description.index(after: description.startIndex)..<end]
        }
        return description[..<(description.lastIndex(of: ":") ?? description.endIndex)]
    }

    func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        withUnsafeBytes(of: storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }
}

/// Why a host and port could not become a socket address.
public enum AddressError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidPort(Int)
    case unresolvable(host: String, reason: String)

    public var description: String {
        switch self {
        case .invalidPort(let port): "invalid port \(port)"
        case .unresolvable(let host, let reason): "cannot resolve \(host): \(reason)"
        }
    }
}
