import Foundation
import JWTKit

extension VerificationKeys {
    /// Reads every key `sources` names and binds each to the algorithms it verifies.
    ///
    /// - Throws: ``AuthError`` naming the file or setting that is wrong, or when the
    ///   allowed algorithms leave no key at all.
    public static func load(from sources: KeySources) async throws -> VerificationKeys {
        var keys: [VerificationKey] = []
        if let secret = sources.hmacSecret {
            keys += try await hmacKeys(Array(secret.utf8), origin: "ROHRPOST_JWT_SECRET/--jwt-secret", sources: sources)
        }
        if let path = sources.hmacSecretFile {
            var bytes = try read(path, what: "--jwt-secret-file")
            while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
            keys += try await hmacKeys(bytes, origin: "--jwt-secret-file \(path)", sources: sources)
        }
        for path in sources.publicKeyFiles {
            let pem = String(decoding: try read(path, what: "--jwt-public-key-file"), as: UTF8.self)
            keys += try await pemKeys(pem, origin: "--jwt-public-key-file \(path)", sources: sources)
        }
        if let path = sources.jwksFile {
            keys += try await jwksKeys(try read(path, what: "--jwks-file"), origin: "--jwks-file \(path)", sources: sources)
        }
        guard !keys.isEmpty else {
            throw AuthError(.invalidConfiguration, "no JWT key verifies any of the allowed algorithms (--jwt-algorithms); check the keys and the list")
        }
        return VerificationKeys(keys)
    }

    /// HS256, HS384 and HS512 with one secret, as far as they are allowed and the secret is
    /// at least as long as the hash (RFC 7518 §3.2: 32, 48 and 64 bytes).
    static func hmacKeys(_ secret: [UInt8], origin: String, sources: KeySources) async throws -> [VerificationKey] {
        guard secret.count >= 32 else {
            throw AuthError(
                .invalidKey,
                "\(origin): the HMAC secret has \(secret.count) bytes; HS256 needs at least 32 (make one with: openssl rand -base64 48)")
        }
        let digests: [(SigningAlgorithm, DigestAlgorithm, Int)] = [(.hs256, .sha256, 32), (.hs384, .sha384, 48), (.hs512, .sha512, 64)]
        var keys: [VerificationKey] = []
        for (algorithm, digest, minimumLength) in digests where sources.allows(algorithm) {
            guard secret.count >= minimumLength else {
                // Named explicitly, a too-short secret is an error; by default the
                // longer hashes are just not offered.
                if sources.allowedAlgorithms != nil {
                    throw AuthError(.invalidKey, "\(origin): \(algorithm) needs a secret of at least \(minimumLength) bytes; this one has \(secret.count)")
                }
                continue
            }
            let collection = JWTKeyCollection()
            await collection.add(hmac: HMACKey(from: secret), digestAlgorithm: digest)
            keys.append(try await bind(collection, kid: nil, algorithm, origin: origin))
        }
        return keys
    }

    /// The algorithms of one PEM public key: RSA, EC P-256/384/521 or Ed25519.
    static func pemKeys(_ pem: String, origin: String, sources: KeySources) async throws -> [VerificationKey] {
        guard !pem.contains("PRIVATE KEY") else {
            throw AuthError(.invalidKey, "\(origin): holds a private key; give the public key instead (openssl pkey -in KEY -pubout)")
        }
        let collection = JWTKeyCollection()
        let algorithms: [SigningAlgorithm]
        if let key = try? Insecure.RSA.PublicKey(pem: pem) {
            // One RSA key verifies each RSA digest; each binding gets a collection of its own.
            var keys: [VerificationKey] = []
            let digests: [(SigningAlgorithm, DigestAlgorithm)] = [(.rs256, .sha256), (.rs384, .sha384), (.rs512, .sha512)]
            for (algorithm, digest) in digests where sources.allows(algorithm) {
                let collection = JWTKeyCollection()
                await collection.add(rsa: key, digestAlgorithm: digest)
                keys.append(try await bind(collection, kid: nil, algorithm, origin: origin))
            }
            return keys
        } else if let key = try? ES256PublicKey(pem: pem) {
            await collection.add(ecdsa: key)
            algorithms = [.es256]
        } else if let key = try? ES384PublicKey(pem: pem) {
            await collection.add(ecdsa: key)
            algorithms = [.es384]
        } else if let key = try? ES512PublicKey(pem: pem) {
            await collection.add(ecdsa: key)
            algorithms = [.es512]
        } else if let key = try? EdDSA.PublicKey(pem: pem) {
            await collection.add(eddsa: key)
            algorithms = [.eddsa]
        } else {
            throw AuthError(.invalidKey, "\(origin): not a PEM public key of RSA, EC (P-256, P-384, P-521) or Ed25519")
        }
        var keys: [VerificationKey] = []
        for algorithm in algorithms where sources.allows(algorithm) {
            keys.append(try await bind(collection, kid: nil, algorithm, origin: origin))
        }
        return keys
    }

    /// Every (key, algorithm) pair a JWKS allows: a key's own `alg` if it names one, else
    /// each algorithm its type and curve fit.
    static func jwksKeys(_ json: [UInt8], origin: String, sources: KeySources) async throws -> [VerificationKey] {
        let jwks: JWKS
        do {
            jwks = try JSONDecoder().decode(JWKS.self, from: Data(json))
        } catch {
            throw AuthError(.invalidKey, "\(origin): not a JWKS ({\"keys\": [...]}): \(error)")
        }
        var keys: [VerificationKey] = []
        for (index, original) in jwks.keys.enumerated() {
            var jwk = original
            let kid = jwk.keyIdentifier?.string
            // jwt-kit files JWKs under their kid; a key without one gets a private name.
            let storedKid = JWKIdentifier(string: kid ?? "#\(index)")
            jwk.keyIdentifier = storedKid
            var bound = 0
            for algorithm in SigningAlgorithm.allCases where algorithm.family != .hmac && sources.allows(algorithm) {
                let collection = JWTKeyCollection()
                guard (try? await collection.add(jwk: jwk)) != nil,
                    let verifier = try? await collection.getKey(for: storedKid, alg: algorithm.rawValue),
                    verifier.name == algorithm.rawValue
                else { continue }
                keys.append(VerificationKey(kid: kid, algorithm: algorithm, origin: "\(origin) key \(kid ?? "#\(index)")", verifier: verifier))
                bound += 1
            }
            if bound == 0 && sources.allowedAlgorithms == nil {
                throw AuthError(.invalidKey, "\(origin): key \(kid ?? "#\(index)") is not an RSA, EC or Ed25519 public key jwt-kit can use")
            }
        }
        return keys
    }

    /// The collection's one key, checked to verify `algorithm`.
    private static func bind(_ collection: JWTKeyCollection, kid: String?, _ algorithm: SigningAlgorithm, origin: String) async throws -> VerificationKey {
        let verifier = try await collection.getKey()
        guard verifier.name == algorithm.rawValue else {
            throw AuthError(.invalidKey, "\(origin): jwt-kit made a \(verifier.name) verifier where \(algorithm) was expected")
        }
        return VerificationKey(kid: kid, algorithm: algorithm, origin: origin, verifier: verifier)
    }

    private static func read(_ path: String, what: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AuthError(.invalidKey, "\(what) \(path): cannot read the file; check the path and its permissions")
        }
        return Array(data)
    }
}
