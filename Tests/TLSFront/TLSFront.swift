import Foundation
import Locking
import Platform
import TLS

/// A TLS front for tests of the clients: it listens on `host` and a free port, completes each
/// TLS handshake with a generated self-signed certificate, and relays the decrypted bytes to a
/// plain server at 127.0.0.1:`backendPort` (a TestServer) and back, until either side closes.
/// The chat server's own TLS listener is built elsewhere; this stands in for it. One thread,
/// poll(2), non-blocking sockets; stop it when done.
public final class TLSFront: Sendable {
    /// The port it listens on.
    public let port: Int
    /// The certificate it serves, PEM (a client trusts it with `--tls-ca`).
    public let certificatePEM: String
    /// Handshakes completed so far.
    public var handshakes: Int { state.withLock { $0.handshakes } }

    private let state = Locked<Shared>(Shared())
    private let thread: Locked<PlatformThread?> = Locked(nil)

    private struct Shared: Sendable {
        var stopping = false
        var handshakes = 0
    }

    /// Starts relaying to `backendPort`. `host` is where it listens (127.0.0.1, or another
    /// loopback address for a certificate that does not name it).
    public init(backendPort: Int, host: String = "127.0.0.1", commonName: String = "localhost") throws {
        Posix.ignoreSIGPIPE()
        let certificate = try TLSSelfSignedCertificate(commonName: commonName)
        let context = try TLSServerContext(certificate)
        guard let address = SocketAddress(host: host, port: 0) else {
            throw SystemError("listen", errno: 22)
        }
        let listener = try Socket.listen(on: address)
        port = try Socket.localAddress(listener).port
        certificatePEM = certificate.certificatePEM
        let backend = try SocketAddress.resolve(host: "127.0.0.1", port: backendPort)
        let state = self.state
        let started = try PlatformThread.start(name: "tls-front") {
            let relay = Relay(listener: listener, context: context, backend: backend, state: state)
            relay.run()
        }
        thread.withLock { $0 = started }
    }

    /// Stops the thread and closes every connection (again is harmless).
    public func stop() {
        state.withLock { $0.stopping = true }
        let running = thread.withLock { value -> PlatformThread? in
            defer { value = nil }
            return value
        }
        running?.join()
    }

    deinit { stop() }

    /// Writes the certificate to a new temporary file and returns its path (removed by the caller).
    public func writeCertificate() throws -> String {
        let path = NSTemporaryDirectory() + "linechat-front-" + UUID().uuidString + ".pem"
        try certificatePEM.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The relay's loop, owned by its thread.
    private final class Relay {
        let listener: Int32
        let context: TLSServerContext
        let backend: SocketAddress
        let state: Locked<Shared>
        var pairs: [Pair] = []

        init(listener: Int32, context: TLSServerContext, backend: SocketAddress, state: Locked<Shared>) {
            self.listener = listener
            self.context = context
            self.backend = backend
            self.state = state
        }

        func run() {
            while !state.withLock({ $0.stopping }) {
                var waits: [(fd: Int32, interest: Socket.Interest)] = [(listener, .readable)]
                for pair in pairs { waits += pair.waits }
                _ = try? Socket.waitReady(waits, timeoutMilliseconds: 20)
                acceptAll()
                for pair in pairs {
                    let wasDone = pair.handshakeDone
                    pair.pump()
                    if !wasDone && pair.handshakeDone { state.withLock { $0.handshakes += 1 } }
                }
                pairs.removeAll { $0.isFinished }
            }
            for pair in pairs { pair.finish() }
            pairs = []
            Posix.close(listener)
        }

        private func acceptAll() {
            while case .done(let (fd, _))? = try? Posix.accept(listener) {
                do {
                    try Socket.setNonBlocking(fd)
                    let (plain, _) = try Socket.connectNonBlocking(to: backend)
                    pairs.append(Pair(client: fd, tls: try context.makeConnection(socket: fd), backend: plain))
                } catch {
                    Posix.close(fd)
                }
            }
        }
    }

    /// One client's TLS connection and its plain connection to the backend.
    private final class Pair {
        let client: Int32
        var tls: TLSConnection?
        let backend: Int32
        var handshakeDone = false
        var handshakeWantsWrite = false
        var tlsWriteWantsWrite = false
        /// The client closed (close_notify or end of file): half-close the backend once
        /// `toBackend` is written.
        var clientEnded = false
        var backendShut = false
        var toBackend: [UInt8] = []
        var toClient: [UInt8] = []
        var isFinished = false
        var buffer = [UInt8](repeating: 0, count: 32 * 1024)

        init(client: Int32, tls: TLSConnection, backend: Int32) {
            self.client = client
            self.tls = tls
            self.backend = backend
        }

        var waits: [(fd: Int32, interest: Socket.Interest)] {
            var list: [(fd: Int32, interest: Socket.Interest)] = []
            if !clientEnded { list.append((client, .readable)) }
            if handshakeWantsWrite || tlsWriteWantsWrite { list.append((client, .writable)) }
            list.append((backend, .readable))
            if !toBackend.isEmpty { list.append((backend, .writable)) }
            return list
        }

        /// Does everything the sockets allow now.
        func pump() {
            guard let tls, !isFinished else { return }
            if !handshakeDone {
                switch tls.handshake() {
                case .done: handshakeDone = true
                case .wantRead: handshakeWantsWrite = false
                case .wantWrite: handshakeWantsWrite = true
                case .closed, .failed: return finish()
                }
                if !handshakeDone { return }
                handshakeWantsWrite = false
            }
            // Client -> backend.
            readLoop: while !clientEnded {
                let result = buffer.withUnsafeMutableBytes { tls.read(into: $0) }
                switch result {
                case .bytes(let count): toBackend += buffer[..<count]
                case .wantRead, .wantWrite: break readLoop
                case .closed: clientEnded = true
                case .failed(.io(let error)) where error.isConnectionReset: return finish(reset: true)
                case .failed: return finish()
                }
            }
            while !toBackend.isEmpty {
                guard case .success(.done(let count)) = ByteIO.send(backend, toBackend, from: 0) else { break }
                toBackend.removeFirst(count)
            }
            if clientEnded && toBackend.isEmpty && !backendShut {
                backendShut = true
                Posix.shutdownWrite(backend)
            }
            // Backend -> client.
            var backendEnded = false
            while true {
                switch ByteIO.read(backend, into: &buffer) {
                case .success(.done(0)), .failure: backendEnded = true
                case .success(.done(let count)):
                    toClient += buffer[..<count]
                    continue
                case .success(.wouldBlock): break
                }
                break
            }
            tlsWriteWantsWrite = false
            while !toClient.isEmpty {
                let result = toClient.withUnsafeBytes { tls.write($0) }
                switch result {
                case .wrote(let count): toClient.removeFirst(count)
                case .wantWrite: tlsWriteWantsWrite = true
                case .wantRead: break
                case .closed, .failed:
                    return finish()
                }
                if tlsWriteWantsWrite || result == .wantRead { break }
            }
            if backendEnded && toClient.isEmpty {
                tls.shutdown()
                finish()
            } else if backendEnded && !tlsWriteWantsWrite {
                finish()  // the client will not take the rest
            }
        }

        /// Closes both connections; `reset`: the backend's with a reset, as the client's was.
        func finish(reset: Bool = false) {
            guard !isFinished else { return }
            isFinished = true
            tls = nil
            Posix.close(client)
            if reset { Socket.closeWithReset(backend) } else { Posix.close(backend) }
        }
    }
}
