package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.Psql;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The real psql and pgjdbc clients through the router see what they would see on the shard. */
@RealPostgres(servers = 2)
@Timeout(60)
class PsqlAndJdbcTest {
    private static LocalPostgres shard;
    private static Account account;
    private static RunningRouter router;

    @BeforeAll
    static void startRouter(PostgresServers servers) {
        shard = servers.get(0);
        account = Account.create(shard, "rt_clients");
        router = RunningRouter.start(RunningRouter.admit(RunningRouter.configFor(shard), account, PoolMode.TRANSACTION, 4));
    }

    @AfterAll
    static void stopRouter() {
        if (router != null) {
            router.close();
        }
    }

    @Test
    void psqlSelectOne() {
        ProcessResult result = router.psql(account).command("select 1");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEqualTo("1\n");
    }

    @Test
    void psqlReachesTheShardAsTheClientUser() {
        ProcessResult result = router.psql(account).command("select inet_server_port() || ' ' || current_user || ' ' || current_database()");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEqualTo(shard.port() + " rt_clients rt_clients\n");
    }

    @Test
    void psqlCommandWithSeveralStatementsInOneQueryMessage() {
        ProcessResult result = router.psql(account).command("select 1; select 'two'; select 3");
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEqualTo("1\ntwo\n3\n");
    }

    @Test
    void psqlScriptStatementByStatementWithATransactionBlock() {
        ProcessResult result = router.psql(account).script("""
                CREATE TABLE psql_items(id int PRIMARY KEY, name text);
                INSERT INTO psql_items VALUES (1, 'one'), (2, 'two');
                BEGIN;
                UPDATE psql_items SET name = 'uno' WHERE id = 1;
                SELECT name FROM psql_items WHERE id = 1;
                COMMIT;
                SELECT id || ':' || name FROM psql_items ORDER BY id;
                """);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertThat(result.stdout()).isEqualTo("CREATE TABLE\nINSERT 0 2\nBEGIN\nUPDATE 1\nuno\nCOMMIT\n1:uno\n2:two\n");
        assertThat(shard.psql(account.database(), "SELECT string_agg(name, ',' ORDER BY id) FROM psql_items")).isEqualTo("uno,two");
    }

    @Test
    void psqlStopsAtTheFirstErrorWithTheServersMessage() {
        ProcessResult result = router.psql(account).script("SELECT 1;\nSELECT * FROM no_such_table;\nSELECT 2;\n");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.stdout()).isEqualTo("1\n");
        assertThat(result.stderr()).contains("relation \"no_such_table\" does not exist");
    }

    @Test
    void psqlCopyInFromStdinAndOutToStdout() {
        Psql psql = router.psql(account);
        ProcessResult in = psql.script("""
                CREATE TABLE psql_copy(id int, word text);
                \\copy psql_copy from stdin
                1\talpha
                2\tbeta
                3\tgamma
                \\.
                """);
        assertThat(in.exitCode()).as(in.stderr()).isZero();
        assertThat(in.stdout()).isEqualTo("CREATE TABLE\nCOPY 3\n");
        assertThat(shard.psql(account.database(), "SELECT count(*) FROM psql_copy")).isEqualTo("3");

        String copyOut = "\\copy (SELECT id, upper(word) FROM psql_copy ORDER BY id) to stdout\n";
        ProcessResult out = psql.script(copyOut);
        assertThat(out.exitCode()).as(out.stderr()).isZero();
        assertThat(out.stdout()).startsWith("1\tALPHA\n2\tBETA\n3\tGAMMA\n")
                .isEqualTo(Psql.superuser(shard, account.database()).script(copyOut).stdout());
    }

    @Test
    void jdbcQueriesAndParameters() throws SQLException {
        try (Connection connection = router.connect(account)) {
            assertThat(Sql.single(connection, "select 1")).isEqualTo("1");
            assertThat(Sql.single(connection, "select inet_server_port()")).isEqualTo(String.valueOf(shard.port()));
            try (PreparedStatement statement = connection.prepareStatement("select ?::int + 1, upper(?), ?::numeric * 2")) {
                statement.setInt(1, 41);
                statement.setString(2, "router");
                statement.setBigDecimal(3, new java.math.BigDecimal("1.25"));
                try (ResultSet rows = statement.executeQuery()) {
                    assertThat(rows.next()).isTrue();
                    assertThat(rows.getInt(1)).isEqualTo(42);
                    assertThat(rows.getString(2)).isEqualTo("ROUTER");
                    assertThat(rows.getBigDecimal(3)).isEqualByComparingTo("2.50");
                }
            }
            List<Integer> series = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement("select g from generate_series(1, ?) g")) {
                statement.setInt(1, 5000);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        series.add(rows.getInt(1));
                    }
                }
            }
            assertThat(series).hasSize(5000).startsWith(1, 2, 3).endsWith(4999, 5000);
        }
    }

    @Test
    void jdbcSeesTheShardsServerParameters() throws SQLException {
        try (Connection connection = router.connect(account)) {
            assertThat(connection.getMetaData().getDatabaseProductVersion())
                    .isEqualTo(shard.psql("postgres", "SHOW server_version"));
            assertThat(Sql.single(connection, "show client_encoding")).isEqualTo("UTF8");
            assertThat(Sql.single(connection, "show DateStyle")).isEqualTo("ISO, MDY");
        }
    }
}
