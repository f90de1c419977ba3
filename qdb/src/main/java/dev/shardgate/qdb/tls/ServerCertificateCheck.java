package dev.shardgate.qdb.tls;

import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A client's check of the server it called: the JDK's own verification (CA and, with the address
 * called, host name), and when it fails a log line naming the server and a reason an operator can
 * act on, which is also the message of the refusal the caller sees.
 */
final class ServerCertificateCheck extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager verifier;
    private final String caKey;
    private final Path caFile;
    private final String calledAddress;
    private final String serverName;

    /**
     * @param calledAddress host:port called, for the log; null to take the TLS engine's peer, which
     *     is the name verified (server_name when set)
     * @param serverName the name the certificate must carry instead of the host called, or null
     */
    ServerCertificateCheck(X509ExtendedTrustManager verifier, String caKey, Path caFile, String calledAddress,
                           String serverName) {
        this.verifier = verifier;
        this.caKey = caKey;
        this.caFile = caFile;
        this.calledAddress = calledAddress;
        this.serverName = serverName;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        String peer = calledAddress != null ? calledAddress
                : (engine == null || engine.getPeerHost() == null ? "?" : engine.getPeerHost()) + ":"
                        + (engine == null ? -1 : engine.getPeerPort());
        String host = peer.substring(0, Math.max(0, peer.lastIndexOf(':')));
        try {
            verifier.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            String reason = PeerRefusals.reason(e, caKey, caFile, serverName);
            PeerRefusals.log(peer, host, "server", chain, reason);
            throw new CertificateException("certificate of " + peer + " (" + PeerRefusals.subject(chain) + ") refused: "
                    + reason, e);
        }
        PeerRefusals.verified(host);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        verifier.checkServerTrusted(chain, authType, socket);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verifier.checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a client's trust manager does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a client's trust manager does not check clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client's trust manager does not check clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return verifier.getAcceptedIssuers();
    }
}
