package dev.shardgate.qdb.tls;

import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** PEM files read into what the JDK's TLS needs, every failure naming the key and the file. */
final class TlsFiles {
    private TlsFiles() {
    }

    static void requireSet(String key, Path file, String because) {
        if (file == null || file.toString().isBlank()) {
            throw new TlsConfigException(key, "is required when " + because, null);
        }
    }

    static void requireUnset(String key, Path file, String because) {
        if (file != null) {
            throw new TlsConfigException(key, "must not be set when " + because, null);
        }
    }

    /** The certificates of a PEM file (a CA bundle or a certificate chain). */
    static List<X509Certificate> certificates(String key, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> certificates = new ArrayList<>();
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
            if (certificates.isEmpty()) {
                throw new TlsConfigException(key, "file '" + file + "' holds no PEM certificate", null);
            }
            return certificates;
        } catch (IOException e) {
            throw new TlsConfigException(key, "cannot read '" + file + "': " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException(key, "file '" + file + "' holds no valid PEM certificate: " + e.getMessage(), e);
        }
    }

    /** The JDK's own PKIX verification, trusting exactly the CAs in the file (the JDK's CAs when null). */
    static X509ExtendedTrustManager trustManager(String key, Path caFile) {
        try {
            KeyStore store = null;
            if (caFile != null) {
                store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                int i = 0;
                for (X509Certificate ca : certificates(key, caFile)) {
                    store.setCertificateEntry("ca" + i++, ca);
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new TlsConfigException(key, "the JDK offers no X.509 trust manager", null);
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsConfigException(key, "cannot use '" + caFile + "' as CA certificates: " + e.getMessage(), e);
        }
    }

    /** Checks that the certificate chain and the private key (PKCS#8 PEM) can be used. */
    static void keyPair(Path certFile, Path keyFile) {
        certificates("cert_file", certFile);
        if (!Files.isReadable(keyFile)) {
            throw new TlsConfigException("key_file", "cannot read '" + keyFile + "'", null);
        }
        try {
            SslContextBuilder.forClient().keyManager(certFile.toFile(), keyFile.toFile());
        } catch (IllegalArgumentException e) {
            throw new TlsConfigException("key_file", "file '" + keyFile + "' holds no usable private key for '"
                    + certFile + "' (an unencrypted PKCS#8 PEM key, BEGIN PRIVATE KEY, is needed;"
                    + " `openssl pkcs8 -topk8 -nocrypt` converts others): " + e.getMessage(), e);
        }
    }
}
