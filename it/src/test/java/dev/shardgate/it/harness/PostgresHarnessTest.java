package dev.shardgate.it.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.cli.postgres.ProcessResult;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

@RealPostgres(servers = 2)
class PostgresHarnessTest {

    private static PostgresServers beforeAllServers;
    private final PostgresServers servers;

    PostgresHarnessTest(PostgresServers servers) {
        this.servers = servers;
    }

    @BeforeAll
    static void remember(PostgresServers servers) {
        beforeAllServers = servers;
    }

    @Test
    void constructorLifecycleAndTestMethodsGetTheSameServers(PostgresServers inTest) {
        assertThat(inTest).isSameAs(servers).isSameAs(beforeAllServers);
        assertThat(servers.size()).isEqualTo(2);
        assertThat(servers.all()).containsExactly(servers.get(0), servers.get(1));
    }

    @Test
    void bothServersAnswerOverJdbcOnTheirOwnPorts() throws SQLException {
        assertThat(servers.get(0).port()).isNotEqualTo(servers.get(1).port());
        assertThat(servers.get(0).dataDir()).isNotEqualTo(servers.get(1).dataDir());
        for (LocalPostgres server : servers.all()) {
            try (Connection connection = DriverManager.getConnection(
                    server.jdbcUrl("postgres"), LocalPostgres.SUPERUSER, LocalPostgres.SUPERUSER_PASSWORD)) {
                assertThat(single(connection, "SELECT inet_server_port()")).isEqualTo(String.valueOf(server.port()));
                assertThat(single(connection, "SHOW max_prepared_transactions")).isEqualTo("100");
            }
        }
    }

    @Test
    void aTestMakesItsOwnUserAndDatabase() throws SQLException {
        LocalPostgres server = servers.get(1);
        server.createUser("harness_owner", "owner-pw");
        server.createDatabase("harness_db", "harness_owner");
        try (Connection connection = DriverManager.getConnection(server.jdbcUrl("harness_db"), "harness_owner", "owner-pw");
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS item(id int PRIMARY KEY)");
            statement.execute("INSERT INTO item VALUES (1) ON CONFLICT DO NOTHING");
            assertThat(single(connection, "SELECT current_user || '@' || current_database() || ':' || count(*) FROM item"))
                    .isEqualTo("harness_owner@harness_db:1");
        }
    }

    @Test
    void psqlClientRunsCommandsAndScripts() {
        Psql psql = Psql.superuser(servers.get(0), "postgres");
        ProcessResult script = psql.script("SELECT 1;\nSELECT 'two';\n");
        assertThat(script.exitCode()).as(script.stderr()).isZero();
        assertThat(script.stdout()).isEqualTo("1\ntwo\n");

        ProcessResult failure = psql.command("SELECT * FROM no_such_table");
        assertThat(failure.exitCode()).isNotZero();
        assertThat(failure.stderr()).contains("relation \"no_such_table\" does not exist");
    }

    @Test
    void serversAreSharedWithOtherClassesAskingForTheSame() {
        assertThat(SharingWitness.portsFirstSeen("servers=2 auth=TRUST", servers))
                .containsExactly(servers.get(0).port(), servers.get(1).port());
    }

    static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as("a row from " + sql).isTrue();
            return rows.getString(1);
        }
    }
}
