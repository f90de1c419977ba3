package dev.shardgate.coordinator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.wire.tls.FrontendTlsSettings;
import dev.shardgate.wire.tls.SslMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** coordinator.yaml's frontend_tls (TLS for console clients) and a console rule's require_tls: read, or refused naming the key. */
class ConsoleTlsConfigTest {
    @TempDir
    Path directory;

    private Path[] files() throws Exception {
        // only whether the files can be read is looked at here; loading them is the console's, at start
        Path cert = Files.writeString(directory.resolve("console.crt"), "cert");
        Path key = Files.writeString(directory.resolve("console.key"), "key");
        return new Path[] {cert, key};
    }

    @Test
    void withoutTheSectionTheConsoleIsPlain() {
        assertThat(CoordinatorConfig.parse("host: 127.0.0.1\n", "c.yaml").frontendTls()).isEqualTo(FrontendTlsSettings.DISABLED);
    }

    @Test
    void readsTheRoutersKeysAndRequireTls() throws Exception {
        Path[] files = files();
        CoordinatorConfig config = CoordinatorConfig.parse("""
                frontend_tls:
                  sslmode: verify-full
                  cert_file: %1$s
                  key_file: %2$s
                  root_cert_file: %1$s
                  min_protocol: TLSv1.3
                frontend_rules:
                  - db: spqr-console
                    usr: admin
                    require_tls: true
                    auth_rule:
                      auth_method: ok
                """.formatted(files[0], files[1]), "c.yaml");
        assertThat(config.frontendTls().mode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(config.frontendTls().files().certFile()).isEqualTo(files[0]);
        assertThat(config.frontendTls().files().rootCertFile()).isEqualTo(files[0]);
        assertThat(config.frontendTls().files().protocols()).containsExactly("TLSv1.3");
        assertThat(config.frontendRules()).singleElement().satisfies(rule -> assertThat(rule.requireTls()).isTrue());
    }

    @Test
    void aMissingCertificateFileIsRefusedNamingTheKey() throws Exception {
        Path[] files = files();
        Path missing = directory.resolve("nowhere.crt");
        CoordinatorConfigException e = catchThrowableOfType(CoordinatorConfigException.class, () -> CoordinatorConfig.parse("""
                frontend_tls:
                  sslmode: require
                  cert_file: %s
                  key_file: %s
                """.formatted(missing, files[1]), "coordinator.yaml"));
        assertThat(e.keyPath()).isEqualTo("frontend_tls.cert_file");
        assertThat(e.getMessage()).contains("coordinator.yaml").contains(missing.toString());
    }

    @Test
    void tlsOnWithoutCertificateIsRefused() {
        CoordinatorConfigException e = catchThrowableOfType(CoordinatorConfigException.class,
                () -> CoordinatorConfig.parse("frontend_tls:\n  sslmode: prefer\n", "c.yaml"));
        assertThat(e.keyPath()).isEqualTo("frontend_tls.cert_file");
    }

    @Test
    void verifyingClientsNeedsTheirCa() throws Exception {
        Path[] files = files();
        CoordinatorConfigException e = catchThrowableOfType(CoordinatorConfigException.class, () -> CoordinatorConfig.parse("""
                frontend_tls:
                  sslmode: verify-ca
                  cert_file: %s
                  key_file: %s
                """.formatted(files[0], files[1]), "c.yaml"));
        assertThat(e.keyPath()).isEqualTo("frontend_tls");
        assertThat(e.getMessage()).contains("root_cert_file is required");
    }

    @Test
    void requireTlsWithoutFrontendTlsIsRefused() {
        CoordinatorConfigException e = catchThrowableOfType(CoordinatorConfigException.class, () -> CoordinatorConfig.parse("""
                frontend_rules:
                  - db: spqr-console
                    usr: admin
                    require_tls: true
                    auth_rule:
                      auth_method: ok
                """, "c.yaml"));
        assertThat(e.keyPath()).isEqualTo("frontend_rules[0].require_tls");
        assertThat(e.getMessage()).contains("needs frontend_tls");
    }

    @Test
    void theSectionsKeysAreKnown() {
        assertThat(CoordinatorConfig.knownKeys()).containsAll(List.of("frontend_tls.sslmode", "frontend_tls.cert_file",
                "frontend_tls.key_file", "frontend_tls.root_cert_file", "frontend_tls.min_protocol", "frontend_tls.ciphers",
                "frontend_rules.require_tls"));
    }
}
