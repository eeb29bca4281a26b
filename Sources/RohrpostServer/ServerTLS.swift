import NIOCore
import NIOSSL

/// TLS for `wss://`: the certificate chain and private key the server presents, loaded
/// once at start-up so a bad file stops the start rather than the first handshake.
public struct ServerTLS: Sendable {
    private let context: NIOSSLContext

    /// Loads the PEM certificate chain at `certificateFile` and the PEM private key at
    /// `keyFile`.
    ///
    /// - Throws: `ServerTLSError` naming the file that did not load.
    public init(certificateFile: String, keyFile: String) throws(ServerTLSError) {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
        } catch {
            throw ServerTLSError(.certificateFile, "cannot load a PEM certificate from '\(certificateFile)': \(error)")
        }
        guard !chain.isEmpty else {
            throw ServerTLSError(.certificateFile, "'\(certificateFile)' holds no PEM certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        } catch {
            throw ServerTLSError(.keyFile, "cannot load a PEM private key from '\(keyFile)': \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.applicationProtocols = ["http/1.1"]
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw ServerTLSError(.keyFile, "'\(keyFile)' is not the key of the certificate in '\(certificateFile)': \(error)")
        }
    }

    /// A handler for the front of a new connection's pipeline.
    func makeHandler() -> NIOSSLServerHandler {
        NIOSSLServerHandler(context: context)
    }
}

/// Why TLS could not be set up, in words, with the file at fault.
public struct ServerTLSError: Error, CustomStringConvertible, Sendable {
    /// Which file was at fault.
    public enum Code: Sendable {
        /// The certificate chain did not load.
        case certificateFile
        /// The private key did not load or does not match the certificate.
        case keyFile
    }

    /// Which file was at fault.
    public let code: Code
    /// What went wrong, for a person.
    public let description: String

    init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}
