package dev.shardgate.it.twophase;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.it.harness.RouterOnShards;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.PoolMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two-phase recovery finishes each prepared transaction of its router as the transaction's owner,
 * over the backend rule for that user and database: PostgreSQL lets only the owner (or a superuser)
 * finish it, so finishing it as another rule's user would leave it prepared, holding its locks.
 * One whose owner has no backend rule is reported (console row and log), not silently left.
 */
@RealPostgres(servers = 2, settings = "max_prepared_transactions=20")
class RecoveryOwnersTest {
    private static final String ALICE = "tp_alice";
    private static final String BOB = "tp_bob";
    private static final String CAROL = "tp_carol";
    private static final String ROUTER_ID = "itowners";

    @Test
    void everyPreparedTransactionIsFinishedAsItsOwner(PostgresServers servers) throws Exception {
        String database = "tp_owners";
        for (int i = 0; i < servers.size(); i++) {
            servers.get(i).createUser(BOB, null);
            servers.get(i).createUser(CAROL, null);
        }
        Path qdb = Files.createTempDirectory("twophase-owners").resolve("qdb.yaml");
        try (RouterOnShards cluster = RouterOnShards.start(servers, database, ALICE, PoolMode.TRANSACTION, BankCluster.METADATA,
                config -> config.qdbFile(qdb).routerId(ROUTER_ID)
                        .frontendRule(new FrontendRule(database, BOB, PoolMode.TRANSACTION, AuthRule.ok(), false))
                        .backendRule(new BackendRule(database, BOB, BackendRule.DEFAULT_CONNECTION_LIMIT, false, true,
                                AuthRule.ok(), false)))) {
            LocalPostgres sh1 = servers.get(0);
            Jdbc.execute(cluster.shard(0), "DROP TABLE IF EXISTS accounts");
            Jdbc.execute(cluster.shard(0), "CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)");
            Jdbc.execute(cluster.shard(0), "INSERT INTO accounts VALUES (1, 100), (2, 100), (3, 100)");
            Jdbc.execute(cluster.shard(0), "GRANT ALL ON accounts TO " + BOB + ", " + CAROL);
            // a crashed router left these: alice's and bob's (bob's with a commit decision), and one of
            // carol, whom no backend rule names
            prepare(sh1, database, ALICE, 1, "sg_" + ROUTER_ID + "_1");
            prepare(sh1, database, BOB, 2, "sg_" + ROUTER_ID + "_2");
            prepare(sh1, database, BOB, 3, "sg_" + ROUTER_ID + "_3");
            prepare(sh1, database, CAROL, 1, "sg_" + ROUTER_ID + "_4");
            cluster.router().context().commitDecisions().recordCommit("sg_" + ROUTER_ID + "_3", List.of("sh1"));

            List<String> rows = new ArrayList<>();
            Properties console = new Properties();
            console.setProperty("user", ALICE);
            console.setProperty("preferQueryMode", "simple");
            try (Connection admin = DriverManager.getConnection("jdbc:postgresql://" + LocalPostgres.HOST + ":"
                    + cluster.router().consolePort() + "/spqr-console", console)) {
                // SPQR's SHOW two_phase_tx: the decided transaction, until recovery commits it
                assertThat(Jdbc.rows(admin, "SHOW two_phase_tx")).containsExactly("sg_itowners_3|committing|sh1");
                try (Statement statement = admin.createStatement();
                     ResultSet answer = statement.executeQuery("RECOVER TWO PHASE")) {
                    while (answer.next()) {
                        rows.add(answer.getString(1) + " " + answer.getString(2) + " " + answer.getString(3));
                    }
                }
                assertThat(Jdbc.rows(admin, "SHOW two_phase_tx")).isEmpty();
            }
            assertThat(rows).hasSize(4);
            assertThat(rows.get(0)).isEqualTo("sg_itowners_1 sh1 rollback");
            assertThat(rows.get(1)).isEqualTo("sg_itowners_2 sh1 rollback");
            assertThat(rows.get(2)).isEqualTo("sg_itowners_3 sh1 commit");
            assertThat(rows.get(3)).startsWith("sg_itowners_4 sh1 cannot rollback as owner \"tp_carol\" in database \"tp_owners\": ")
                    .contains("no backend rule");
            assertThat(Jdbc.column(cluster.shard(0), "SELECT gid FROM pg_prepared_xacts WHERE database = current_database()"))
                    .containsExactly("sg_itowners_4");
            assertThat(Jdbc.column(cluster.shard(0), "SELECT balance FROM accounts ORDER BY id")).containsExactly("100", "100", "101");
            // the operator finishes it as carol; the decision-less transaction is not left for ever
            try (Connection carol = connect(sh1, database, CAROL)) {
                Jdbc.execute(carol, "ROLLBACK PREPARED 'sg_itowners_4'");
            }
        }
    }

    /** Leaves a prepared transaction of {@code user}; the one named …_3 adds 1 to account {@code id}. */
    private static void prepare(LocalPostgres server, String database, String user, int id, String gid) throws SQLException {
        try (Connection connection = connect(server, database, user)) {
            Jdbc.execute(connection, "BEGIN");
            Jdbc.execute(connection, "UPDATE accounts SET balance = balance + 1 WHERE id = " + id + " AND " + gid.endsWith("_3"));
            Jdbc.execute(connection, "PREPARE TRANSACTION '" + gid + "'");
        }
    }

    private static Connection connect(LocalPostgres server, String database, String user) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        properties.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection(server.jdbcUrl(database), properties);
    }
}
