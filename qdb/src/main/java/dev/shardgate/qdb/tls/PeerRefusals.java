package dev.shardgate.qdb.tls;

import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log of refused TLS peers: one line per peer and reason, not one per attempt, since a
 * misconfigured peer retries every second.
 */
final class PeerRefusals {
    private static final Logger log = LoggerFactory.getLogger(PeerRefusals.class);
    /** Bounds what a stream of distinct peers can make us remember. */
    private static final int REMEMBERED = 1024;
    private static final Set<String> logged = ConcurrentHashMap.newKeySet();

    private PeerRefusals() {
    }

    /**
     * @param peer host:port of the peer
     * @param host the peer's host, which with the reason decides whether this was logged already
     * @param role what the peer's certificate was checked as: "server" or "client"
     */
    static void log(String peer, String host, String role, X509Certificate[] chain, String reason) {
        if (logged.size() >= REMEMBERED) {
            logged.clear();
        }
        if (logged.add(host + '\n' + role + '\n' + reason)) {
            log.warn("event=tls_peer_refused peer={} peer_role={} subject=\"{}\" reason=\"{}\"", peer, role,
                    subject(chain), reason);
        }
    }

    /** A peer with this host verified again: its next refusal is news. */
    static void verified(String host) {
        logged.removeIf(entry -> entry.startsWith(host + '\n'));
    }

    static String subject(X509Certificate[] chain) {
        return chain == null || chain.length == 0 ? "" : chain[0].getSubjectX500Principal().getName();
    }

    /** Why a chain did not verify, in words an operator acts on. */
    static String reason(CertificateException e, String caKey, Object caFile) {
        return reason(e, caKey, caFile, null);
    }

    /** @param serverName the name the certificate had to carry, when server_name set one */
    static String reason(CertificateException e, String caKey, Object caFile, String serverName) {
        String trusted = caFile == null ? "the JDK's trusted CAs" : caKey + " '" + caFile + "'";
        Throwable cause = e;
        while (cause != null) {
            if (cause instanceof CertificateExpiredException) {
                return "certificate expired: " + cause.getMessage();
            }
            if (cause instanceof CertificateNotYetValidException) {
                return "certificate not yet valid: " + cause.getMessage();
            }
            cause = cause.getCause();
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("subject alternative") || message.contains("No name matching")) {
            return "certificate does not name " + (serverName == null ? "the address called" : serverName + " (server_name)")
                    + ": " + message;
        }
        if (message.contains("PKIX path")) {
            return "certificate not signed by a CA in " + trusted;
        }
        return "certificate not trusted by " + trusted + ": " + message;
    }
}
