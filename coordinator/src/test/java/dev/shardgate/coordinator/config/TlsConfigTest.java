package dev.shardgate.coordinator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.qdb.tls.EtcdTls;
import dev.shardgate.qdb.tls.GrpcClientTls;
import dev.shardgate.qdb.tls.GrpcServerTls;
import dev.shardgate.qdb.tls.GrpcTls;
import dev.shardgate.qdb.tls.TlsMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** coordinator.yaml's grpc_server_tls, grpc_client_tls and qdb_tls: read, and refused with the key named. */
class TlsConfigTest {
    @TempDir
    Path directory;

    /** A self-signed certificate and its PKCS#8 key, as openssl writes them. */
    private Path[] selfSigned() throws Exception {
        Path cert = directory.resolve("c.crt");
        Path key = directory.resolve("c.key");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "1", "-subj", "/CN=test").redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0).as("openssl ran").isTrue();
        return new Path[] {cert, key};
    }

    @Test
    void withoutTlsSectionsEveryLinkIsPlain() {
        CoordinatorConfig config = CoordinatorConfig.parse("qdb_addr: localhost:2379\n", "c.yaml");
        assertThat(config.grpcTls()).isEqualTo(GrpcTls.DISABLED);
        assertThat(config.qdbTls()).isEqualTo(EtcdTls.DISABLED);
    }

    @Test
    void readsAllThreeSections() throws Exception {
        Path[] files = selfSigned();
        String cert = files[0].toString();
        String key = files[1].toString();
        CoordinatorConfig config = CoordinatorConfig.parse("""
                qdb_addr: https://localhost:2379
                grpc_server_tls:
                  mode: mtls
                  cert_file: %1$s
                  key_file: %2$s
                  client_ca_file: %1$s
                grpc_client_tls:
                  mode: mtls
                  root_ca_file: %1$s
                  cert_file: %1$s
                  key_file: %2$s
                  server_name: router.internal
                qdb_tls:
                  root_ca_file: %1$s
                  cert_file: %1$s
                  key_file: %2$s
                """.formatted(cert, key), "c.yaml");
        assertThat(config.grpcTls().server()).isEqualTo(new GrpcServerTls(TlsMode.MTLS, files[0], files[1], files[0]));
        assertThat(config.grpcTls().client())
                .isEqualTo(new GrpcClientTls(TlsMode.MTLS, files[0], files[0], files[1], "router.internal"));
        assertThat(config.qdbTls()).isEqualTo(new EtcdTls(true, files[0], files[0], files[1]));
    }

    @Test
    void modeIsRequiredAndSpelledAsSpqr() {
        var missing = catchThrowableOfType(CoordinatorConfigException.class,
                () -> CoordinatorConfig.parse("grpc_server_tls:\n  cert_file: x\n", "c.yaml"));
        assertThat(missing.keyPath()).isEqualTo("grpc_server_tls.mode");
        assertThat(missing.getMessage()).contains("disabled, tls, mtls");
        var wrong = catchThrowableOfType(CoordinatorConfigException.class,
                () -> CoordinatorConfig.parse("grpc_client_tls:\n  mode: verify-full\n", "c.yaml"));
        assertThat(wrong.keyPath()).isEqualTo("grpc_client_tls.mode");
    }

    @Test
    void mutualTlsNeedsTheClientCa() throws Exception {
        Path[] files = selfSigned();
        var e = catchThrowableOfType(CoordinatorConfigException.class, () -> CoordinatorConfig.parse("""
                grpc_server_tls:
                  mode: mtls
                  cert_file: %s
                  key_file: %s
                """.formatted(files[0], files[1]), "c.yaml"));
        assertThat(e.keyPath()).isEqualTo("grpc_server_tls.client_ca_file");
        assertThat(e.getMessage()).contains("is required when mode is mtls");
    }

    @Test
    void unreadableFilesAreNamedAtStart() throws Exception {
        Path[] files = selfSigned();
        var missing = catchThrowableOfType(CoordinatorConfigException.class, () -> CoordinatorConfig.parse("""
                qdb_tls:
                  root_ca_file: /nonexistent/ca.crt
                """, "c.yaml"));
        assertThat(missing.keyPath()).isEqualTo("qdb_tls.root_ca_file");
        assertThat(missing.getMessage()).contains("/nonexistent/ca.crt");

        Path notAKey = Files.writeString(directory.resolve("bad.key"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"
                + "-----END RSA PRIVATE KEY-----\n");
        var badKey = catchThrowableOfType(CoordinatorConfigException.class, () -> CoordinatorConfig.parse("""
                grpc_server_tls:
                  mode: tls
                  cert_file: %s
                  key_file: %s
                """.formatted(files[0], notAKey), "c.yaml"));
        assertThat(badKey.keyPath()).isEqualTo("grpc_server_tls.key_file");
        assertThat(badKey.getMessage()).contains("PKCS#8");
    }

    @Test
    void relativePathsAreRelativeToTheFile() throws Exception {
        selfSigned();
        Path file = Files.writeString(directory.resolve("coordinator.yaml"), """
                grpc_server_tls:
                  mode: tls
                  cert_file: c.crt
                  key_file: c.key
                """);
        assertThat(CoordinatorConfig.load(file).grpcTls().server().certFile()).isEqualTo(directory.resolve("c.crt"));
    }
}
