package dev.shardgate.wire.tls;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.spec.InvalidKeySpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator reads when a PEM file is not what the router can load. */
class PemFilesTest {
    @TempDir
    Path dir;

    private Path file(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void pkcs1KeyIsRefusedWithTheCommandThatConvertsIt() throws Exception {
        Path key = file("server.key", "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemFiles.privateKey(key))
                .isInstanceOf(InvalidKeySpecException.class)
                .hasMessageContaining("is PKCS#1/SEC1 (RSA PRIVATE KEY)")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in " + key);
    }

    @Test
    void encryptedKeyIsRefused() throws Exception {
        Path key = file("server.key", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemFiles.privateKey(key)).hasMessageContaining("is encrypted");
    }

    @Test
    void fileWithoutKeyOrCertificateSaysWhatIsMissing() throws Exception {
        Path empty = file("empty.pem", "nothing here\n");
        assertThatThrownBy(() -> PemFiles.privateKey(empty))
                .isInstanceOf(InvalidKeySpecException.class).hasMessageContaining("no PEM private key (BEGIN PRIVATE KEY) in " + empty);
        assertThatThrownBy(() -> PemFiles.certificates(empty))
                .isInstanceOf(CertificateException.class).hasMessageContaining("no PEM certificate (BEGIN CERTIFICATE) in " + empty);
    }
}
