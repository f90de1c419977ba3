package dev.shardgate.it.twophase;

import static dev.shardgate.it.twophase.BankCluster.column;
import static dev.shardgate.it.twophase.BankCluster.execute;
import static dev.shardgate.it.twophase.BankCluster.number;
import static dev.shardgate.it.twophase.BankCluster.prepared;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.cli.postgres.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Savepoints in a transaction on two shards behave as on one server: SAVEPOINT, RELEASE and ROLLBACK
 * TO apply to every shard of the transaction, and a shard that joins after a savepoint is rolled
 * back to its join by ROLLBACK TO that savepoint. Accounts 1 (sh1) and 1001 (sh2) start at 100.
 */
class SavepointTest extends TwoAccountsTest {
    SavepointTest() {
        super("twophase_savepoints");
    }

    /** A client in a transaction block: psql-like (simple protocol, BEGIN) or pgjdbc (extended, autocommit off). */
    private Connection begin(boolean simple, String strategy) throws SQLException {
        Connection client = cluster.connect(simple);
        execute(client, "SET __spqr__commit_strategy = '" + strategy + "'");
        client.setAutoCommit(false);
        return client;
    }

    private static void add(Connection client, int id, int amount) throws SQLException {
        execute(client, "UPDATE accounts SET balance = balance + " + amount + " WHERE id = " + id);
    }

    private static String read(Connection client, int id) throws SQLException {
        return column(client, "SELECT balance FROM accounts WHERE id = " + id).getFirst();
    }

    private static void assertState(SQLException error, String sqlState) {
        assertThat((Throwable) error).isNotNull();
        assertThat(error.getSQLState()).as(error.getMessage()).isEqualTo(sqlState);
    }

    @ParameterizedTest(name = "simple={0} strategy={1}")
    @CsvSource({"true, 2pc", "false, 2pc", "false, best_effort"})
    void savepointsAfterTheSecondShardJoinedApplyToBoth(boolean simple, String strategy) throws SQLException {
        try (Connection client = begin(simple, strategy)) {
            add(client, 1, -10);
            add(client, 1001, 10);
            execute(client, "SAVEPOINT s");
            add(client, 1, -5);
            add(client, 1001, 5);
            execute(client, "ROLLBACK TO SAVEPOINT s");
            assertThat(read(client, 1)).isEqualTo("90");
            assertThat(read(client, 1001)).isEqualTo("110");
            add(client, 1001, 1);
            execute(client, "RELEASE SAVEPOINT s");
            client.commit();
            assertThat(balance(1, 1001)).isEqualTo(111);
            // the next transaction knows no savepoint s on either shard
            add(client, 1, -1);
            add(client, 1001, 1);
            assertState(catchThrowableOfType(SQLException.class, () -> execute(client, "ROLLBACK TO s")), "3B001");
            assertState(catchThrowableOfType(SQLException.class, () -> read(client, 1)), "25P02");
            client.rollback();
        }
        assertThat(balance(0, 1)).isEqualTo(90);
        assertThat(balance(1, 1001)).isEqualTo(111);
        assertThat(prepared(cluster.shard(0))).isEmpty();
    }

    @ParameterizedTest(name = "simple={0}")
    @ValueSource(booleans = {true, false})
    void aShardThatJoinedAfterASavepointIsRolledBackToItsJoin(boolean simple) throws SQLException {
        try (Connection client = begin(simple, "2pc")) {
            add(client, 1, -10);
            execute(client, "SAVEPOINT before_sh2");
            add(client, 1001, 10); // sh2 joins here
            execute(client, "INSERT INTO accounts (id, balance) VALUES (1002, 7)");
            execute(client, "ROLLBACK TO SAVEPOINT before_sh2");
            assertThat(read(client, 1001)).isEqualTo("100");
            assertThat(column(client, "SELECT count(*) FROM accounts WHERE id = 1002")).containsExactly("0");
            assertThat(read(client, 1)).as("work before the savepoint stays").isEqualTo("90");
            add(client, 1001, 3);
            client.commit();
        }
        assertThat(balance(0, 1)).isEqualTo(90);
        assertThat(balance(1, 1001)).isEqualTo(103);
        assertThat(number(cluster.shard(1), "SELECT count(*) FROM accounts")).isEqualTo(1);
        assertThat(prepared(cluster.shard(1))).isEmpty();
    }

    /**
     * Savepoints made before the first shard was known, released and nested ones: a joining shard
     * gets exactly those that still exist, in order.
     */
    @ParameterizedTest(name = "simple={0}")
    @ValueSource(booleans = {true, false})
    void aJoiningShardGetsTheSavepointsThatStillExist(boolean simple) throws SQLException {
        try (Connection client = begin(simple, "2pc")) {
            execute(client, "SAVEPOINT a"); // before any shard: held back with the BEGIN
            add(client, 1, -1);
            execute(client, "SAVEPOINT b");
            add(client, 1, -2);
            execute(client, "RELEASE SAVEPOINT b");
            execute(client, "SAVEPOINT c");
            add(client, 1001, 5); // sh2 joins with savepoints a and c
            execute(client, "ROLLBACK TO SAVEPOINT c");
            assertThat(read(client, 1001)).isEqualTo("100");
            assertThat(read(client, 1)).isEqualTo("97");
            SQLException gone = catchThrowableOfType(SQLException.class, () -> execute(client, "ROLLBACK TO SAVEPOINT b"));
            assertState(gone, "3B001");
            execute(client, "ROLLBACK TO SAVEPOINT a"); // also leaves the failed state
            assertThat(read(client, 1)).isEqualTo("100");
            add(client, 1001, 7);
            add(client, 1, 1);
            client.commit();
        }
        assertThat(balance(0, 1)).isEqualTo(101);
        assertThat(balance(1, 1001)).isEqualTo(107);
    }

    @ParameterizedTest(name = "simple={0} strategy={1}")
    @CsvSource({"true, 2pc", "false, 2pc", "false, best_effort"})
    void anErrorFailsEveryShardUntilRollbackToASavepoint(boolean simple, String strategy) throws SQLException {
        try (Connection client = begin(simple, strategy)) {
            add(client, 1, -10);
            add(client, 1001, 10);
            execute(client, "SAVEPOINT s");
            add(client, 1001, 1);
            SQLException division = catchThrowableOfType(SQLException.class,
                    () -> execute(client, "UPDATE accounts SET balance = balance / 0 WHERE id = 1"));
            assertState(division, "22012");
            for (int id : new int[] {1, 1001}) {
                assertState(catchThrowableOfType(SQLException.class, () -> read(client, id)), "25P02");
            }
            assertState(catchThrowableOfType(SQLException.class, () -> execute(client, "SAVEPOINT t")), "25P02");
            assertThat(abortedBackends(0) + abortedBackends(1)).as("both shards refuse").isEqualTo(2);
            execute(client, "ROLLBACK TO SAVEPOINT s");
            assertThat(read(client, 1001)).isEqualTo("110");
            add(client, 1, -1);
            client.commit();
        }
        assertThat(balance(0, 1)).isEqualTo(89);
        assertThat(balance(1, 1001)).isEqualTo(110);
        assertThat(abortedBackends(0) + abortedBackends(1)).isZero();
    }

    @ParameterizedTest(name = "simple={0}")
    @ValueSource(booleans = {true, false})
    void anErrorWithoutSavepointFailsEveryShardUntilRollback(boolean simple) throws SQLException {
        try (Connection client = begin(simple, "2pc")) {
            add(client, 1001, 10);
            add(client, 1, -10);
            SQLException missing = catchThrowableOfType(SQLException.class, () -> execute(client, "RELEASE SAVEPOINT nope"));
            assertState(missing, "3B001");
            assertThat(abortedBackends(0) + abortedBackends(1)).isEqualTo(2);
            assertState(catchThrowableOfType(SQLException.class, () -> add(client, 1001, 1)), "25P02");
            assertState(catchThrowableOfType(SQLException.class, () -> add(client, 1, 1)), "25P02");
            client.rollback();
            client.setAutoCommit(true);
            assertThat(read(client, 1)).isEqualTo("100");
        }
        assertThat(balance(0, 1)).isEqualTo(100);
        assertThat(balance(1, 1001)).isEqualTo(100);
    }

    /** A batch sends the SAVEPOINT and the statement that makes the next shard join in one segment. */
    @Test
    void aSavepointInTheSegmentOfAJoiningStatement() throws SQLException {
        try (Connection client = begin(false, "2pc"); var batch = client.createStatement()) {
            add(client, 1, -10);
            batch.addBatch("SAVEPOINT s");
            batch.addBatch("UPDATE accounts SET balance = balance + 10 WHERE id = 1001");
            assertThat(batch.executeBatch()).containsExactly(0, 1);
            assertThat(read(client, 1001)).isEqualTo("110");
            execute(client, "ROLLBACK TO SAVEPOINT s");
            assertThat(read(client, 1001)).isEqualTo("100");
            client.commit();
        }
        assertThat(balance(0, 1)).isEqualTo(90);
        assertThat(balance(1, 1001)).isEqualTo(100);
    }

    @Test
    void pgjdbcSavepointApi() throws SQLException {
        try (Connection client = begin(false, "2pc")) {
            Savepoint first = client.setSavepoint(); // first in the transaction: held back with its BEGIN
            add(client, 1, -10);
            Savepoint unnamed = client.setSavepoint();
            add(client, 1001, 10);
            Savepoint named = client.setSavepoint("named");
            add(client, 1, -1);
            client.rollback(named);
            client.releaseSavepoint(named);
            add(client, 1, -2);
            client.rollback(unnamed);
            add(client, 1001, 5);
            client.releaseSavepoint(first);
            client.commit();
        }
        assertThat(balance(0, 1)).isEqualTo(90);
        assertThat(balance(1, 1001)).isEqualTo(105);
    }

    /**
     * With autosave pgjdbc sends a SAVEPOINT in the segment of every statement, and after an error
     * rolls back to it: the transaction goes on, on both shards, past the failed statement.
     */
    @ParameterizedTest(name = "strategy={0}")
    @ValueSource(strings = {"2pc", "best_effort"})
    void pgjdbcAutosaveKeepsTheTransactionAlivePastAnError(String strategy) throws SQLException {
        Properties properties = BankCluster.properties();
        properties.setProperty("autosave", "always");
        properties.setProperty("socketTimeout", "60");
        try (Connection client = DriverManager.getConnection("jdbc:postgresql://" + LocalPostgres.HOST + ":"
                + cluster.router.port() + "/" + cluster.database, properties)) {
            execute(client, "SET __spqr__commit_strategy = '" + strategy + "'");
            client.setAutoCommit(false);
            add(client, 1, -10);
            add(client, 1001, 10);
            assertState(catchThrowableOfType(SQLException.class,
                    () -> execute(client, "UPDATE accounts SET balance = balance / 0 WHERE id = 1")), "22012");
            add(client, 1001, 1);
            add(client, 1, -1);
            assertState(catchThrowableOfType(SQLException.class,
                    () -> execute(client, "UPDATE accounts SET balance = balance / 0 WHERE id = 1001")), "22012");
            assertThat(read(client, 1)).isEqualTo("89");
            client.commit();
        }
        assertThat(balance(0, 1)).isEqualTo(89);
        assertThat(balance(1, 1001)).isEqualTo(111);
    }

    private long abortedBackends(int shard) throws SQLException {
        return number(cluster.shard(shard), "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND state = 'idle in transaction (aborted)'");
    }
}
