package dev.shardgate.it.twophase;

import static dev.shardgate.it.twophase.BankCluster.column;
import static dev.shardgate.it.twophase.BankCluster.execute;
import static dev.shardgate.it.twophase.BankCluster.number;
import static dev.shardgate.it.twophase.BankCluster.prepared;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Transaction blocks writing on two shards: commit (2pc and best effort), rollback, failure, recovery. */
class MultiShardTransactionTest extends TwoAccountsTest {
    MultiShardTransactionTest() {
        super("twophase_tx");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2pc", "best_effort"})
    void aTransactionWritingOnTwoShardsCommitsOnBoth(String strategy) throws SQLException {
        try (Connection client = cluster.connect(true)) {
            execute(client, "SET __spqr__commit_strategy = '" + strategy + "'");
            assertThat(column(client, "SHOW __spqr__commit_strategy")).containsExactly(strategy);
            execute(client, "BEGIN");
            execute(client, "UPDATE accounts SET balance = balance - 30 WHERE id = 1");
            execute(client, "UPDATE accounts SET balance = balance + 30 WHERE id = 1001");
            // inside the transaction each shard sees its own uncommitted write
            assertThat(column(client, "SELECT balance FROM accounts WHERE id = 1")).containsExactly("70");
            assertThat(balance(1, 1001)).isEqualTo(100); // not committed yet
            execute(client, "COMMIT");
            assertThat(column(client, "SELECT balance FROM accounts WHERE id = 1001")).containsExactly("130");
        }
        assertThat(balance(0, 1)).isEqualTo(70);
        assertThat(balance(1, 1001)).isEqualTo(130);
        assertThat(prepared(cluster.shard(0))).isEmpty();
        assertThat(prepared(cluster.shard(1))).isEmpty();
        assertThat(cluster.router.context().qdb().scan("2pc/")).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"COMMIT", "ROLLBACK"})
    void statementsOverBothShardsRunInsideTheTransaction(String end) throws SQLException {
        try (Connection client = cluster.connect(true)) {
            execute(client, "SET __spqr__commit_strategy = '2pc'");
            execute(client, "BEGIN");
            execute(client, "UPDATE accounts SET balance = balance + 1 WHERE id IN (1, 1001)");
            assertThat(column(client, "SELECT sum(balance) FROM accounts WHERE id IN (1, 1001)")).containsExactly("202");
            execute(client, "INSERT INTO accounts (id, balance) VALUES (2, 5)");
            execute(client, "INSERT INTO accounts (id, balance) VALUES (1002, 5)");
            execute(client, "UPDATE accounts SET balance = balance - 1 WHERE id = 1001");
            assertThat(column(client, "SELECT sum(balance) FROM accounts WHERE id IN (2, 1002)")).containsExactly("10");
            assertThat(number(cluster.shard(1), "SELECT count(*) FROM accounts")).isEqualTo(1); // not committed yet
            execute(client, end);
        }
        boolean committed = end.equals("COMMIT");
        assertThat(balance(0, 1)).isEqualTo(committed ? 101 : 100);
        assertThat(balance(1, 1001)).isEqualTo(100);
        assertThat(number(cluster.shard(1), "SELECT count(*) FROM accounts")).isEqualTo(committed ? 2 : 1);
        assertThat(prepared(cluster.shard(1))).isEmpty();
    }

    @Test
    void aStatementOverBothShardsFailingOnOneFailsTheTransaction() throws SQLException {
        try (Connection client = cluster.connect(true)) {
            execute(client, "BEGIN");
            execute(client, "UPDATE accounts SET balance = balance - 30 WHERE id = 1");
            assertThatThrownBy(() -> execute(client, "UPDATE accounts SET balance = balance / (id - 1001) WHERE id IN (1, 1001)"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22012"));
            assertThatThrownBy(() -> execute(client, "UPDATE accounts SET balance = balance + 1 WHERE id = 1"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25P02"));
            execute(client, "COMMIT");
        }
        assertThat(balance(0, 1)).isEqualTo(100);
        assertThat(balance(1, 1001)).isEqualTo(100);
    }

    @Test
    void theConfiguredStrategyIsTheDefaultAndBadValuesAreRefused() throws SQLException {
        try (Connection client = cluster.connect(true)) {
            assertThat(column(client, "SHOW __spqr__commit_strategy")).containsExactly("best_effort");
            assertThatThrownBy(() -> execute(client, "SET __spqr__commit_strategy = '3pc'"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22023"));
            execute(client, "SET __spqr__commit_strategy = '2pc'");
            execute(client, "RESET __spqr__commit_strategy");
            assertThat(column(client, "SHOW __spqr__commit_strategy")).containsExactly("best_effort");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void rollbackLeavesBothShardsUntouched(boolean simple) throws SQLException {
        try (Connection client = cluster.connect(simple)) {
            client.setAutoCommit(false);
            execute(client, "UPDATE accounts SET balance = balance - 30 WHERE id = 1");
            execute(client, "UPDATE accounts SET balance = balance + 30 WHERE id = 1001");
            execute(client, "UPDATE accounts SET balance = balance + 1 WHERE id = 1");
            client.rollback();
            client.setAutoCommit(true);
            assertThat(column(client, "SELECT balance FROM accounts WHERE id = 1")).containsExactly("100");
        }
        assertThat(balance(0, 1)).isEqualTo(100);
        assertThat(balance(1, 1001)).isEqualTo(100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2pc", "best_effort"})
    void commitWorksInTheExtendedProtocolToo(String strategy) throws SQLException {
        try (Connection client = cluster.connect(false)) {
            execute(client, "SET __spqr__commit_strategy = '" + strategy + "'");
            client.setAutoCommit(false);
            for (int i = 0; i < 7; i++) { // past prepareThreshold: named statements too
                try (var update = client.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE id = ?")) {
                    update.setInt(1, -1);
                    update.setInt(2, 1);
                    assertThat(update.executeUpdate()).isEqualTo(1);
                    update.setInt(1, 1);
                    update.setInt(2, 1001);
                    assertThat(update.executeUpdate()).isEqualTo(1);
                }
                client.commit();
                assertThat((Object) client.getWarnings()).isNull();
            }
        }
        assertThat(balance(0, 1)).isEqualTo(93);
        assertThat(balance(1, 1001)).isEqualTo(107);
        assertThat(prepared(cluster.shard(0))).isEmpty();
        assertThat(prepared(cluster.shard(1))).isEmpty();
    }

    @Test
    void aFailedTransactionDoesNotCommitInTheExtendedProtocol() throws SQLException {
        try (Connection client = cluster.connect(false)) {
            client.setAutoCommit(false);
            execute(client, "UPDATE accounts SET balance = balance - 30 WHERE id = 1");
            assertThatThrownBy(() -> execute(client, "UPDATE accounts SET balance = balance / 0 WHERE id = 1001"))
                    .isInstanceOf(SQLException.class);
            // PostgreSQL answers it with the tag ROLLBACK and no error, so pgjdbc's commit() returns
            // (it.scatter.FailedCommitTest compares with one server)
            client.commit();
            client.setAutoCommit(true);
            assertThat(column(client, "SELECT balance FROM accounts WHERE id = 1")).containsExactly("100");
        }
        assertThat(balance(0, 1)).isEqualTo(100);
    }

    @Test
    void anErrorOnOneShardFailsTheWholeTransaction() throws SQLException {
        try (Connection client = cluster.connect(true)) {
            execute(client, "SET __spqr__commit_strategy = '2pc'");
            execute(client, "BEGIN");
            execute(client, "UPDATE accounts SET balance = balance - 30 WHERE id = 1");
            assertThatThrownBy(() -> execute(client, "UPDATE accounts SET balance = balance / 0 WHERE id = 1001"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("22012"));
            // the other shard refuses too: the transaction as a whole failed
            assertThatThrownBy(() -> execute(client, "UPDATE accounts SET balance = balance + 1 WHERE id = 1"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25P02"));
            execute(client, "COMMIT"); // answers ROLLBACK, as PostgreSQL does for a failed transaction
            assertThat(column(client, "SELECT balance FROM accounts WHERE id = 1")).containsExactly("100");
        }
        assertThat(balance(0, 1)).isEqualTo(100);
        assertThat(balance(1, 1001)).isEqualTo(100);
    }

    @Test
    void aShardThatCannotPrepareRollsBackEveryShard() throws SQLException {
        try (Connection client = cluster.connect(true)) {
            execute(client, "SET __spqr__commit_strategy = '2pc'");
            execute(client, "BEGIN");
            execute(client, "UPDATE accounts SET balance = balance - 30 WHERE id = 1");
            execute(client, "UPDATE accounts SET balance = balance + 30 WHERE id = 1001");
            // PostgreSQL cannot prepare a transaction that used a temporary table
            execute(client, "/* __spqr__execute_on: sh2 */ CREATE TEMP TABLE scratch (x int)");
            assertThatThrownBy(() -> execute(client, "COMMIT"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getSQLState()).isEqualTo("0A000");
                        assertThat(e.getMessage()).contains("shard \"sh2\"");
                    });
            assertThat(column(client, "SELECT balance FROM accounts WHERE id = 1")).containsExactly("100");
        }
        assertThat(balance(0, 1)).isEqualTo(100);
        assertThat(balance(1, 1001)).isEqualTo(100);
        assertThat(prepared(cluster.shard(0))).isEmpty();
        assertThat(prepared(cluster.shard(1))).isEmpty();
        assertThat(cluster.router.context().qdb().scan("2pc/")).isEmpty();
    }

    @Test
    void recoverTwoPhaseCommitsDecidedTransactionsAndRollsBackTheOthers() throws SQLException {
        String decided = "sg_" + BankCluster.ROUTER_ID + "_1";
        String undecided = "sg_" + BankCluster.ROUTER_ID + "_2";
        String foreign = "sg_" + BankCluster.ROUTER_ID + "x_3"; // another router's: left alone
        Connection sh1 = cluster.shard(0);
        Connection sh2 = cluster.shard(1);
        execute(sh1, "BEGIN; UPDATE accounts SET balance = balance + 5 WHERE id = 1; PREPARE TRANSACTION '" + decided + "'");
        execute(sh2, "BEGIN; UPDATE accounts SET balance = balance + 7 WHERE id = 1001; PREPARE TRANSACTION '" + undecided + "'");
        execute(sh2, "BEGIN; INSERT INTO accounts VALUES (1002, 1); PREPARE TRANSACTION '" + foreign + "'");
        var qdb = cluster.router.context().qdb();
        qdb.put("2pc/" + decided, "commit:sh1".getBytes(StandardCharsets.UTF_8));
        qdb.put("2pc/sg_" + BankCluster.ROUTER_ID + "_0", "commit:sh1,sh2".getBytes(StandardCharsets.UTF_8)); // finished already
        try (Connection console = cluster.console()) {
            List<String> rows = new java.util.ArrayList<>();
            try (var statement = console.createStatement(); var result = statement.executeQuery("RECOVER TWO PHASE")) {
                while (result.next()) {
                    rows.add(result.getString("gid") + " " + result.getString("shard") + " " + result.getString("action"));
                }
            }
            assertThat(rows).containsExactly(decided + " sh1 commit", undecided + " sh2 rollback");
        } finally {
            execute(sh2, "ROLLBACK PREPARED '" + foreign + "'");
        }
        assertThat(balance(0, 1)).isEqualTo(105);
        assertThat(balance(1, 1001)).isEqualTo(100);
        assertThat(prepared(sh1)).isEmpty();
        assertThat(qdb.scan("2pc/")).isEmpty();
    }
}
