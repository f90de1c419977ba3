package dev.shardgate.it.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.cli.ThrowawayCa;
import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.coordinator.Coordinator;
import dev.shardgate.coordinator.config.CoordinatorConfig;
import dev.shardgate.it.router.TlsPsql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's console over TLS, configured as SPQR's coordinator.yaml writes it
 * ({@code frontend_tls} with the router's keys, paths relative to the file): psql with
 * sslmode=verify-full is served, a plain client is refused with 28000 where frontend_tls's sslmode
 * or the console rule's require_tls asks for TLS, and a renewed certificate serves the next client.
 */
@Timeout(120)
class CoordinatorConsoleTlsTest {
    @TempDir
    Path directory;
    private Coordinator coordinator;

    @AfterEach
    void stop() {
        if (coordinator != null) {
            coordinator.close();
        }
    }

    private int start(String sslmode, String rules) throws Exception {
        Path file = Files.writeString(directory.resolve("coordinator.yaml"), """
                host: 127.0.0.1
                coordinator_port: 0
                grpc_api_port: 0
                frontend_tls:
                  sslmode: %s
                  cert_file: console.crt
                  key_file: console.key
                frontend_rules:
                %s
                """.formatted(sslmode, rules));
        coordinator = Coordinator.start(CoordinatorConfig.load(file), "test", file);
        return coordinator.consolePort();
    }

    private static String rule(String user, boolean requireTls) {
        return """
                  - db: spqr-console
                    usr: %s
                    require_tls: %s
                    auth_rule: {auth_method: ok}
                """.formatted(user, requireTls);
    }

    private ThrowawayCa issueConsoleCertificate(String caName) {
        ThrowawayCa ca = ThrowawayCa.authority(directory, caName);
        ThrowawayCa.Issued issued = ca.server(caName + "-console");
        try {
            Files.copy(issued.cert(), directory.resolve("console.crt"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(issued.key(), directory.resolve("console.key"), StandardCopyOption.REPLACE_EXISTING);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return ca;
    }

    @Test
    void psqlVerifyFullIsServedAndPlainClientsAreRefusedWhenSslmodeRequires() throws Exception {
        ThrowawayCa ca = issueConsoleCertificate("console-ca");
        int port = start("require", rule("admin", false));

        ProcessResult secured = TlsPsql.run(TlsPsql.conninfo(port, "admin", "spqr-console", TlsPsql.verifyFull(ca.caCert())),
                null, "SHOW shards");
        assertThat(secured.succeeded()).as(secured.stderr()).isTrue();

        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/spqr-console",
                properties("admin", "disable", ca)).close())
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage()).contains("TLS is required");
                });

        ProcessResult plainPsql = TlsPsql.run(TlsPsql.conninfo(port, "admin", "spqr-console", "sslmode=disable"), null, "SHOW shards");
        assertThat(plainPsql.succeeded()).isFalse();
        assertThat(plainPsql.stderr()).contains("TLS is required");
    }

    @Test
    void aRuleWithRequireTlsRefusesPlainClientsWhereOthersMayStayPlain() throws Exception {
        ThrowawayCa ca = issueConsoleCertificate("rules-ca");
        int port = start("prefer", rule("secure_admin", true) + rule("plain_admin", false));
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/spqr-console";

        assertThatThrownBy(() -> DriverManager.getConnection(url, properties("secure_admin", "disable", ca)).close())
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage()).contains("console rule for user \"secure_admin\"").contains("require_tls");
                });
        DriverManager.getConnection(url, properties("plain_admin", "disable", ca)).close();
        ProcessResult secured = TlsPsql.run(TlsPsql.conninfo(port, "secure_admin", "spqr-console",
                TlsPsql.verifyFull(ca.caCert())), null, "SHOW shards");
        assertThat(secured.succeeded()).as(secured.stderr()).isTrue();
    }

    @Test
    void aRenewedCertificateServesTheNextClient() throws Exception {
        ThrowawayCa first = issueConsoleCertificate("first-ca");
        int port = start("require", rule("admin", false));
        ProcessResult before = TlsPsql.run(TlsPsql.conninfo(port, "admin", "spqr-console", TlsPsql.verifyFull(first.caCert())),
                null, "SHOW shards");
        assertThat(before.succeeded()).as(before.stderr()).isTrue();

        ThrowawayCa second = issueConsoleCertificate("second-ca");
        ProcessResult renewed = TlsPsql.run(TlsPsql.conninfo(port, "admin", "spqr-console", TlsPsql.verifyFull(second.caCert())),
                null, "SHOW shards");
        assertThat(renewed.succeeded()).as(renewed.stderr()).isTrue();
        ProcessResult oldRoot = TlsPsql.run(TlsPsql.conninfo(port, "admin", "spqr-console", TlsPsql.verifyFull(first.caCert())),
                null, "SHOW shards");
        assertThat(oldRoot.succeeded()).as("the old CA no longer verifies the console").isFalse();
    }

    private static Properties properties(String user, String sslmode, ThrowawayCa ca) {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("sslmode", sslmode);
        properties.setProperty("sslrootcert", ca.caCert().toString());
        properties.setProperty("preferQueryMode", "simple");
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "60");
        return properties;
    }
}
