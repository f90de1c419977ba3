package dev.shardgate.wire.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM certificates and keys as OpenSSL writes them, read with the JDK alone. Keys must be PKCS#8
 * ({@code BEGIN PRIVATE KEY}); the older per-algorithm forms ({@code BEGIN RSA PRIVATE KEY},
 * {@code BEGIN EC PRIVATE KEY}) are refused with the openssl command that converts them.
 */
public final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    private PemFiles() {
    }

    /** Every certificate in the file, in order (a chain: the server's first). */
    public static List<X509Certificate> certificates(Path file) throws GeneralSecurityException, IOException {
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        for (Block block : blocks(file)) {
            if (block.label().equals("CERTIFICATE")) {
                certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
            }
        }
        if (certificates.isEmpty()) {
            throw new CertificateException("no PEM certificate (BEGIN CERTIFICATE) in " + file);
        }
        return certificates;
    }

    /** The PKCS#8 private key of the file, RSA, EC or Ed25519. */
    public static PrivateKey privateKey(Path file) throws GeneralSecurityException, IOException {
        for (Block block : blocks(file)) {
            switch (block.label()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(block.der(), file);
                }
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw new InvalidKeySpecException("key file " + file
                        + " is PKCS#1/SEC1 (" + block.label() + "); convert it to PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in "
                        + file + " -out key.pk8.pem");
                case "ENCRYPTED PRIVATE KEY" -> throw new InvalidKeySpecException("key file " + file
                        + " is encrypted; decrypt it with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pk8.pem");
                default -> { }
            }
        }
        throw new InvalidKeySpecException("no PEM private key (BEGIN PRIVATE KEY) in " + file);
    }

    /** A trust store of every certificate in the file (the CAs a peer's certificate must chain to). */
    public static KeyStore trustStore(Path file) throws GeneralSecurityException, IOException {
        KeyStore store = emptyStore();
        int index = 0;
        for (X509Certificate certificate : certificates(file)) {
            store.setCertificateEntry("ca-" + index++, certificate);
        }
        return store;
    }

    /** A key store holding the key and its certificate chain under one entry. */
    public static KeyStore keyStore(Path certFile, Path keyFile, char[] password) throws GeneralSecurityException, IOException {
        KeyStore store = emptyStore();
        store.setKeyEntry("key", privateKey(keyFile), password, certificates(certFile).toArray(new Certificate[0]));
        return store;
    }

    private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    private static PrivateKey pkcs8(byte[] der, Path file) throws GeneralSecurityException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException wrongAlgorithm) {
                // try the next one: PKCS#8 names its algorithm, but only inside the DER
            }
        }
        throw new InvalidKeySpecException("key file " + file + ": not an RSA, EC or Ed25519 PKCS#8 key");
    }

    private record Block(String label, byte[] der) {
    }

    private static List<Block> blocks(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        List<Block> blocks = new ArrayList<>();
        Matcher matcher = BLOCK.matcher(text);
        while (matcher.find()) {
            blocks.add(new Block(matcher.group(1), Base64.getMimeDecoder().decode(matcher.group(2))));
        }
        return blocks;
    }
}
