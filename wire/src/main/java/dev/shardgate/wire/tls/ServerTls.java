package dev.shardgate.wire.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of TLS for one listener: the certificate, key and client CAs loaded from PEM
 * files, and re-read when a file changes. Every handshake first compares the files' modification
 * time, size and inode with those loaded (three stat calls, nothing next to a handshake): a new or
 * renewed certificate serves the next connection, open connections keep theirs. A file set that
 * does not load (a certificate replaced before its key) keeps the last good one and is logged once.
 */
public final class ServerTls {
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);
    private static final char[] KEY_STORE_PASSWORD = new char[0];

    private final ServerTlsSettings settings;
    private final boolean requireClientCertificate;
    private final ReentrantLock reloadLock = new ReentrantLock();
    private volatile Loaded loaded;
    private List<Object> lastFailedStamps = List.of();

    private record Loaded(SSLContext context, List<Object> stamps) {
    }

    private ServerTls(ServerTlsSettings settings, boolean requireClientCertificate, Loaded loaded) {
        this.settings = settings;
        this.requireClientCertificate = requireClientCertificate;
        this.loaded = loaded;
    }

    /**
     * Loads the files now, so that a bad file stops the start.
     *
     * @param requireClientCertificate refuse a client without a certificate signed by the root CAs;
     *                                 otherwise one is asked for (when root CAs are set) and checked if sent
     * @throws GeneralSecurityException naming the file that does not load
     */
    public static ServerTls load(ServerTlsSettings settings, boolean requireClientCertificate)
            throws GeneralSecurityException, IOException {
        Objects.requireNonNull(settings);
        if (requireClientCertificate && settings.rootCertFile() == null) {
            throw new GeneralSecurityException("client certificates are required but no root_cert_file is set");
        }
        return new ServerTls(settings, requireClientCertificate, read(settings, stamps(settings)));
    }

    public ServerTlsSettings settings() {
        return settings;
    }

    /** Runs the server side of a handshake with a client over its raw streams. */
    public TlsStreams accept(InputStream rawIn, OutputStream rawOut) throws IOException {
        return TlsStreams.handshake(newEngine(), rawIn, rawOut);
    }

    /** An engine with the current certificate, after a reload if a file changed. */
    SSLEngine newEngine() {
        reloadIfChanged();
        SSLEngine engine = loaded.context().createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(settings.protocols());
        if (!settings.ciphers().isEmpty()) {
            parameters.setCipherSuites(settings.ciphers().toArray(new String[0]));
        }
        if (requireClientCertificate) {
            parameters.setNeedClientAuth(true);
        } else if (settings.rootCertFile() != null) {
            parameters.setWantClientAuth(true);
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    private void reloadIfChanged() {
        List<Object> now;
        try {
            now = stamps(settings);
        } catch (IOException e) {
            now = List.of(e.toString());
        }
        if (now.equals(loaded.stamps())) {
            return;
        }
        reloadLock.lock();
        try {
            if (now.equals(loaded.stamps()) || now.equals(lastFailedStamps)) {
                return;
            }
            try {
                loaded = read(settings, now);
                lastFailedStamps = List.of();
                log.info("event=tls_certificate_reloaded cert_file={}", settings.certFile());
            } catch (GeneralSecurityException | IOException | RuntimeException e) {
                lastFailedStamps = now;
                log.warn("event=tls_certificate_reload_failed cert_file={} error=\"{}\" action=keep_previous",
                        settings.certFile(), e.getMessage());
            }
        } finally {
            reloadLock.unlock();
        }
    }

    private static List<Object> stamps(ServerTlsSettings settings) throws IOException {
        List<Object> stamps = new ArrayList<>();
        for (Path file : new Path[] {settings.certFile(), settings.keyFile(), settings.rootCertFile()}) {
            if (file == null) {
                continue;
            }
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                stamps.add(List.of(attributes.lastModifiedTime(), attributes.size(), String.valueOf(attributes.fileKey())));
            } catch (NoSuchFileException e) {
                stamps.add("missing " + file);
            }
        }
        return stamps;
    }

    private static Loaded read(ServerTlsSettings settings, List<Object> stamps) throws GeneralSecurityException, IOException {
        KeyStore keys = PemFiles.keyStore(settings.certFile(), settings.keyFile(), KEY_STORE_PASSWORD);
        checkKeyMatches(settings, keys);
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, KEY_STORE_PASSWORD);
        TrustManagerFactory trustManagers = null;
        if (settings.rootCertFile() != null) {
            trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(PemFiles.trustStore(settings.rootCertFile()));
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers.getKeyManagers(), trustManagers == null ? null : trustManagers.getTrustManagers(), null);
        return new Loaded(context, stamps);
    }

    /** A certificate whose key is another one's loads fine and fails every handshake: refuse it here. */
    private static void checkKeyMatches(ServerTlsSettings settings, KeyStore keys) throws GeneralSecurityException {
        PrivateKey key = (PrivateKey) keys.getKey("key", KEY_STORE_PASSWORD);
        PublicKey certified = keys.getCertificate("key").getPublicKey();
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return;
        }
        byte[] probe = new byte[32];
        new SecureRandom().nextBytes(probe);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certified);
        verifier.update(probe);
        if (!verifier.verify(signature)) {
            throw new GeneralSecurityException("key_file " + settings.keyFile() + " is not the key of cert_file "
                    + settings.certFile());
        }
    }
}
