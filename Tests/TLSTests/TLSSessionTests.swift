import Platform
import Testing

@testable import TLS

@Suite("TLS session resumption")
struct TLSSessionTests {
    @Test("a client that offers its last session resumes it: no certificate exchange the second time")
    func resumption() throws {
        let directory = try TemporaryDirectory()
        let generated = try TLSSelfSignedCertificate(commonName: "localhost")
        let server = try TLSServerContext(generated)
        let client = try TLSClientContext(caFile: try directory.write("ca.pem", generated.certificatePEM))

        let first = try LoopbackPair()
        let (firstServer, firstClient) = try connected(first, server: server, client: client)
        #expect(!firstClient.isSessionReused)
        // TLS 1.3 tickets come after the handshake: the client has them once it has read.
        let ends = [
            TransferEnd(firstServer, fd: first.server, sending: Array("hello\r\n".utf8)),
            TransferEnd(firstClient, fd: first.client, sending: []),
        ]
        try transfer(ends, expecting: [0, 7])
        let session = try #require(firstClient.session)
        #expect(firstServer.session == nil)  // a server has none to offer

        let second = try LoopbackPair()
        let serverEnd = try server.makeConnection(socket: second.server)
        let clientEnd = try client.makeConnection(socket: second.client, serverName: "localhost", resuming: session)
        let result = try handshake(server: serverEnd, second.server, client: clientEnd, second.client)
        #expect(result.server == .done && result.client == .done)
        #expect(clientEnd.isSessionReused && serverEnd.isSessionReused)
    }
}
