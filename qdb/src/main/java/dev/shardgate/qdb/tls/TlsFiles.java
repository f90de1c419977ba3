package dev.shardgate.qdb.tls;

import dev.shardgate.wire.tls.PemFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * PEM files read (by {@link PemFiles}, the reader every TLS link shares) into what the JDK's and
 * Netty's TLS need, every failure naming the config key and the file.
 */
final class TlsFiles {
    /** A private key and the certificate chain it belongs to, read at start. */
    record KeyPair(PrivateKey key, X509Certificate[] chain) {
    }

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
        try {
            return PemFiles.certificates(file);
        } catch (IOException e) {
            throw new TlsConfigException(key, "cannot read '" + file + "': " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new TlsConfigException(key, "file '" + file + "' holds no valid PEM certificate: " + e.getMessage(), e);
        }
    }

    /** The JDK's own PKIX verification, trusting exactly the CAs in the file (the JDK's CAs when null). */
    static X509ExtendedTrustManager trustManager(String key, Path caFile) {
        KeyStore store = null;
        if (caFile != null) {
            certificates(key, caFile); // an unreadable or empty file is named as such, not as a trust store problem
        }
        try {
            if (caFile != null) {
                store = PemFiles.trustStore(caFile);
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

    /** The certificate chain and its private key (unencrypted PKCS#8 PEM), checked to be usable. */
    static KeyPair keyPair(Path certFile, Path keyFile) {
        List<X509Certificate> chain = certificates("cert_file", certFile);
        if (!Files.isReadable(keyFile)) {
            throw new TlsConfigException("key_file", "cannot read '" + keyFile + "'", null);
        }
        try {
            return new KeyPair(PemFiles.privateKey(keyFile), chain.toArray(new X509Certificate[0]));
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsConfigException("key_file", "file '" + keyFile + "' holds no usable private key for '"
                    + certFile + "' (an unencrypted PKCS#8 PEM key, BEGIN PRIVATE KEY, is needed;"
                    + " `openssl pkcs8 -topk8 -nocrypt` converts others): " + e.getMessage(), e);
        }
    }
}
