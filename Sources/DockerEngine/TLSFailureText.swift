import NIOCore
import NIOSSL

/// Words for what NIOSSL (BoringSSL) reports when a TLS connection to an engine fails, naming the file the
/// user can change. BoringSSL's reasons arrive as text ("...:CERTIFICATE_VERIFY_FAILED"), so they are
/// matched by name.
enum TLSFailureText {
    static func describe(_ error: Error, endpoint: EngineEndpoint) -> String? {
        let material = endpoint.tls
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return "TLS: the engine's certificate is not valid for \(hostName(endpoint.address)) (its subjectAltName names other hosts)"
        }
        if let ssl = error as? NIOSSLError {
            let text = String(describing: ssl)
            if text.contains("CERTIFICATE_VERIFY_FAILED") {
                if let ca = material?.caFile {
                    return "TLS: the engine's certificate is not signed by the CA in \(ca)"
                }
                return "TLS: the engine's certificate is not signed by a CA this system trusts "
                    + "(give --tlscacert or DOCKER_CERT_PATH with the engine's ca.pem)"
            }
            if text.contains("CERTIFICATE_REQUIRED") || text.contains("BAD_CERTIFICATE")
                || text.contains("UNKNOWN_CA") || (text.contains("HANDSHAKE_FAILURE") && material?.certFile == nil) {
                if let cert = material?.certFile {
                    return "TLS: the engine refused the client certificate in \(cert) (not signed by a CA the engine trusts?)"
                }
                return "TLS: the engine asked for a client certificate (give --tlscert/--tlskey or DOCKER_CERT_PATH)"
            }
            if text.contains("WRONG_VERSION_NUMBER") || text.contains("HTTP_REQUEST") || text.contains("PACKET_LENGTH_TOO_LONG")
                || text.contains("UNEXPECTED_RECORD") {
                return "TLS: the engine at \(endpoint.address) does not speak TLS on that port "
                    + "(a plain-HTTP engine? use tcp:// without --tls/--tlsverify/DOCKER_TLS_VERIFY)"
            }
            if case .failedToLoadPrivateKey = ssl {
                return "TLS: the key in \(material?.keyFile ?? "?") does not go with the certificate in \(material?.certFile ?? "?")"
            }
            if case .failedToLoadCertificate = ssl {
                return "TLS: cannot use the certificate in \(material?.certFile ?? "?")"
            }
            if case .uncleanShutdown = ssl {
                return "TLS: the engine closed the connection during the TLS exchange"
                    + (material?.certFile == nil ? " (does it want a client certificate? give --tlscert/--tlskey or DOCKER_CERT_PATH)" : "")
            }
            return "TLS: \(text)"
        }
        if let ssl = error as? BoringSSLError {
            return describe(NIOSSLError.handshakeFailed(ssl), endpoint: endpoint)
        }
        return nil
    }

    /// The engine answered a plain HTTP request with Go's "Client sent an HTTP request to an HTTPS server."
    static func plainHTTPToTLS(status: Int, body: [UInt8], endpoint: EngineEndpoint) -> String? {
        guard status == 400, String(decoding: body.prefix(200), as: UTF8.self).contains("HTTP request to an HTTPS server") else {
            return nil
        }
        return "the engine at \(endpoint.address) speaks TLS on that port: give --tlsverify (or DOCKER_TLS_VERIFY=1) "
            + "with its certificates (--tlscacert/--tlscert/--tlskey or DOCKER_CERT_PATH)"
    }

    private static func hostName(_ address: EngineAddress) -> String {
        if case let .tcp(host, _, _) = address { return host }
        return address.description
    }
}
