package dev.shardgate.router.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.qdb.tls.GrpcClientTls;
import dev.shardgate.qdb.tls.GrpcServerTls;
import dev.shardgate.qdb.tls.GrpcTls;
import dev.shardgate.qdb.tls.TlsMode;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** router.yaml's grpc_server_tls and grpc_client_tls: read, written back, and refused with the key named. */
class GrpcTlsConfigTest {
    private static final String RULES = """
            frontend_rules:
              - db: mydb
                usr: myuser
                auth_rule:
                  auth_method: ok
            backend_rules:
              - db: mydb
                usr: myuser
            """;

    @TempDir
    Path directory;

    private Path[] selfSigned() throws Exception {
        Path cert = directory.resolve("r.crt");
        Path key = directory.resolve("r.key");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "1", "-subj", "/CN=test").redirectErrorStream(true).start();
        openssl.getInputStream().readAllBytes();
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0).as("openssl ran").isTrue();
        return new Path[] {cert, key};
    }

    @Test
    void readsBothSectionsAndWritesThemBack() throws Exception {
        Path[] files = selfSigned();
        RouterConfig config = RouterConfig.parse("""
                with_coordinator: true
                coordinator_address: 127.0.0.1:7003
                grpc_server_tls:
                  mode: mtls
                  cert_file: %1$s
                  key_file: %2$s
                  client_ca_file: %1$s
                grpc_client_tls:
                  mode: tls
                  root_ca_file: %1$s
                """.formatted(files[0], files[1]) + RULES, "router.yaml");
        assertThat(config.grpcTls()).isEqualTo(new GrpcTls(
                new GrpcServerTls(TlsMode.MTLS, files[0], files[1], files[0]),
                new GrpcClientTls(TlsMode.TLS, files[0], null, null, null)));
        assertThat(RouterConfig.parse(config.toYaml(), "written")).isEqualTo(config);
    }

    @Test
    void withoutCoordinatorThereIsNoGrpcLinkToSecure() throws Exception {
        Path[] files = selfSigned();
        var e = catchThrowableOfType(ConfigException.class, () -> RouterConfig.parse("""
                grpc_client_tls:
                  mode: tls
                  root_ca_file: %s
                """.formatted(files[0]) + RULES, "router.yaml"));
        assertThat(e.getMessage()).contains("grpc_client_tls").contains("needs with_coordinator: true");
    }

    @Test
    void clientCertificateOnlyWithMutualTls() throws Exception {
        Path[] files = selfSigned();
        var e = catchThrowableOfType(ConfigException.class, () -> RouterConfig.parse("""
                with_coordinator: true
                grpc_client_tls:
                  mode: tls
                  cert_file: %s
                """.formatted(files[0]) + RULES, "router.yaml"));
        assertThat(e.getMessage()).contains("grpc_client_tls.cert_file").contains("must not be set when mode is tls");
    }
}
