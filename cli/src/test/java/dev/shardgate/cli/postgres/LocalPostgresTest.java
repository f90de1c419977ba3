package dev.shardgate.cli.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalPostgresTest {

    @TempDir
    static Path base;

    private static LocalPostgres scram;

    @BeforeAll
    static void startScramServer() {
        scram = LocalPostgres.start(base, "scram", AuthMethod.SCRAM);
    }

    @AfterAll
    static void closeScramServer() {
        scram.close();
    }

    @Test
    void serverHasTheRequestedSettings() {
        assertThat(scram.psql("postgres", """
                SELECT current_setting('max_connections'), current_setting('max_prepared_transactions'),
                       current_setting('listen_addresses'), current_setting('fsync'),
                       current_setting('password_encryption'), current_setting('port')
                """)).isEqualTo("300|100|127.0.0.1|off|scram-sha-256|" + scram.port());
        assertThat(scram.dataDir()).isDirectory();
        assertThat(scram.logFile()).exists().startsWith(scram.dataDir());
        assertThat(scram.jdbcUrl("shop")).isEqualTo("jdbc:postgresql://127.0.0.1:" + scram.port() + "/shop");
    }

    @Test
    void createdUserOwnsCreatedDatabaseAndLogsInWithScram() {
        scram.createUser("alice", "wonder'land");
        scram.createUser("alice", "secret");
        scram.createDatabase("shop", "alice");
        scram.createDatabase("shop", "alice");

        assertThat(scram.psql("shop", """
                SELECT current_database(), pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'shop';
                SELECT rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'alice';
                """)).isEqualTo("shop|alice\nt");
        assertThat(tcpPsql(scram, "alice", "secret", "shop", "SELECT current_user").stdout().strip()).isEqualTo("alice");
        ProcessResult wrongPassword = tcpPsql(scram, "alice", "wonder'land", "shop", "SELECT 1");
        assertThat(wrongPassword.exitCode()).isNotZero();
        assertThat(wrongPassword.stderr()).contains("password authentication failed for user \"alice\"");
    }

    @Test
    void superuserLogsInOverTcpWithItsPassword() {
        assertThat(tcpPsql(scram, LocalPostgres.SUPERUSER, LocalPostgres.SUPERUSER_PASSWORD, "postgres",
                "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").stdout().strip()).isEqualTo("t");
    }

    @Test
    void psqlFailureCarriesTheServerError() {
        assertThatThrownBy(() -> scram.psql("postgres", "SELECT 1; SELECT * FROM no_such_table; SELECT 2"))
                .isInstanceOf(LocalPostgresException.class)
                .hasMessageContaining("relation \"no_such_table\" does not exist");
    }

    @Test
    void md5ServerStoresMd5Passwords() {
        try (LocalPostgres md5 = LocalPostgres.start(base, "md5", AuthMethod.MD5)) {
            md5.createUser("bob", "builder");
            assertThat(md5.psql("postgres", "SELECT rolpassword LIKE 'md5%' FROM pg_authid WHERE rolname = 'bob'")).isEqualTo("t");
            assertThat(tcpPsql(md5, "bob", "builder", "postgres", "SELECT current_user").stdout().strip()).isEqualTo("bob");
            assertThat(tcpPsql(md5, "bob", "wrong", "postgres", "SELECT 1").stderr()).contains("password authentication failed");
        }
    }

    @Test
    void failedStartLeavesNothingBehind() throws IOException {
        Path ownBase = base.resolve("failing");
        assertThatThrownBy(() -> LocalPostgres.start(ownBase, "broken", AuthMethod.TRUST, Map.of("shared_buffers", "'lots'")))
                .isInstanceOf(LocalPostgresException.class)
                .hasMessageContaining("did not start")
                .hasMessageContaining("shared_buffers");
        assertThat(entries(ownBase)).isEmpty();
    }

    @Test
    void killedServerRecoversOnRestartOnTheSamePort() {
        try (LocalPostgres server = LocalPostgres.start(base, "crashy", AuthMethod.TRUST)) {
            int port = server.port();
            server.psql("postgres", "CREATE TABLE kept(id int); INSERT INTO kept VALUES (1), (2); CHECKPOINT;");
            String pid = server.psql("postgres", "SELECT pg_backend_pid()");

            server.kill();
            assertThat(server.isRunning()).isFalse();
            // A backend is a process like a postmaster; the zombie-aware liveness check fits both.
            assertThat(new Postmaster(Long.parseLong(pid)).isAlive()).as("backend " + pid + " alive").isFalse();

            server.restart();
            assertThat(server.isRunning()).isTrue();
            assertThat(server.port()).isEqualTo(port);
            assertThat(server.psql("postgres", "SELECT count(*) FROM kept")).isEqualTo("2");
        }
    }

    @Test
    void closeStopsDeletesAndMayBeRepeated() throws IOException {
        Path ownBase = base.resolve("closing");
        LocalPostgres server = LocalPostgres.start(ownBase, "closing", AuthMethod.TRUST);
        Path dataDir = server.dataDir();
        server.stop();
        assertThat(server.isRunning()).isFalse();
        server.stop();
        server.close();
        server.close();
        assertThat(dataDir).doesNotExist();
        assertThat(entries(ownBase)).isEmpty();
    }

    private static ProcessResult tcpPsql(LocalPostgres server, String user, String password, String db, String sql) {
        return ExternalCommand.of(PostgresInstallation.locate().binary("psql").toString(), "-X", "-A", "-t", "-w",
                        "-h", server.host(), "-p", Integer.toString(server.port()), "-U", user, "-d", db, "-c", sql)
                .withEnvironment("PGPASSWORD", password)
                .run(Duration.ofSeconds(30));
    }

    private static java.util.List<Path> entries(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList();
        }
    }
}
