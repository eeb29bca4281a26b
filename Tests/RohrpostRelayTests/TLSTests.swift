import Foundation
import NIOCore
import NIOSSL
import RelayTestSupport
import RohrpostPostgres
import RohrpostServer
import Testing

/// `wss://`: the relay serves TLS with a certificate and key from PEM files.
@Suite struct TLSTests {
    @Test func pingIsAnsweredOverWSS() async throws {
        let files = try SelfSignedCertificate()
        defer { files.remove() }
        let tls = try ServerTLS(certificateFile: files.certificate, keyFile: files.key)
        try await LiveRelay.with(configure: { $0.server.tls = tls }) { live in
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(files.certificate))
            let context = try NIOSSLContext(configuration: configuration)
            let client = try await WebSocketTestClient.connect(port: live.port) { channel in
                try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: "localhost"))
            }
            #expect(try await client.request(#"{"id": 1, "type": "ping"}"#) == #"{"id":1,"type":"pong"}"#)
            try await client.close()
        }
    }

    @Test func plainWebSocketGetsNoUpgradeOnATLSPort() async throws {
        let files = try SelfSignedCertificate()
        defer { files.remove() }
        let tls = try ServerTLS(certificateFile: files.certificate, keyFile: files.key)
        try await LiveRelay.with(configure: { $0.server.tls = tls }) { live in
            await #expect(throws: (any Error).self) { try await WebSocketTestClient.connect(port: live.port) }
        }
    }

    @Test func keyThatIsNotPEMIsRefusedNamingTheKeyFile() throws {
        let files = try SelfSignedCertificate()
        defer { files.remove() }
        try "not a key\n".write(toFile: files.key, atomically: true, encoding: .utf8)
        let error = #expect(throws: ServerTLSError.self) {
            try ServerTLS(certificateFile: files.certificate, keyFile: files.key)
        }
        #expect(error?.code == .keyFile)
    }
}

/// A self-signed certificate for `localhost` and its key, made by `openssl` in a fresh
/// temporary folder.
struct SelfSignedCertificate {
    let folder: URL
    var certificate: String { folder.appendingPathComponent("cert.pem").path }
    var key: String { folder.appendingPathComponent("key.pem").path }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("rohrpost-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try ServerProcess.run([
            "/usr/bin/env", "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-days", "1",
            "-keyout", folder.appendingPathComponent("key.pem").path, "-out", folder.appendingPathComponent("cert.pem").path,
        ])
    }

    func remove() {
        try? FileManager.default.removeItem(at: folder)
    }
}
