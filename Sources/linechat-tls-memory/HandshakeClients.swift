import Platform
import TLS

/// The client half of the measurement, in a child process so that its memory is not the
/// server's: blocking connections, one after another, kept open until the process is killed.
enum HandshakeClients {
    static func run(port: Int, count: Int) throws {
        let context = try TLSClientContext(verify: false)
        let address = SocketAddress(host: "127.0.0.1", port: port)!
        var held: [(Int32, TLSConnection)] = []
        for _ in 0..<count {
            let fd = try Socket.connect(to: address)
            let connection = try context.makeConnection(socket: fd, serverName: "localhost")
            let progress = connection.handshake()
            guard progress == .done else { throw ClientFailure(progress: progress) }
            held.append((fd, connection))
        }
        while true { Posix.sleep(milliseconds: 60_000) }
    }

    struct ClientFailure: Error, CustomStringConvertible {
        let progress: TLSProgress
        var description: String { "handshake ended \(progress)" }
    }
}
