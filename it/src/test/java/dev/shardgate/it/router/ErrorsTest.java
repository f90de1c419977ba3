package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Server errors reach the client with their SQLSTATE and message, and the session goes on: in
 * both pool modes, over the simple and the extended query protocol.
 */
@RealPostgres(servers = 2)
@Timeout(60)
class ErrorsTest {
    private static LocalPostgres shard;
    private static Account transactionUser;
    private static Account sessionUser;
    private static RunningRouter router;

    @BeforeAll
    static void startRouter(PostgresServers servers) {
        shard = servers.get(0);
        transactionUser = Account.create(shard, "rt_errors");
        sessionUser = transactionUser.withUser(shard, "rt_errors_session");
        shard.psql(transactionUser.database(), "SET ROLE rt_errors; CREATE TABLE notes(id int PRIMARY KEY, text text)");
        var config = RunningRouter.configFor(shard);
        RunningRouter.admit(config, transactionUser, PoolMode.TRANSACTION, 2);
        RunningRouter.admit(config, sessionUser, PoolMode.SESSION, 4);
        router = RunningRouter.start(config);
    }

    @AfterAll
    static void stopRouter() {
        if (router != null) {
            router.close();
        }
    }

    @ParameterizedTest(name = "{0} pool mode, {1} protocol")
    @CsvSource({"TRANSACTION, simple", "TRANSACTION, extended", "SESSION, simple", "SESSION, extended"})
    void divisionByZeroThenTheSameConnectionGoesOn(PoolMode mode, String protocol) throws SQLException {
        try (Connection connection = connect(mode, protocol)) {
            SQLException error = Sql.assertFailsWith("22012", () -> Sql.single(connection, "select 1/0"));
            assertThat(error.getMessage()).contains("division by zero");
            assertThat(Sql.single(connection, "select 1")).isEqualTo("1");
        }
    }

    @ParameterizedTest(name = "{0} pool mode, {1} protocol")
    @CsvSource({"TRANSACTION, simple", "TRANSACTION, extended", "SESSION, simple", "SESSION, extended"})
    void syntaxErrorThenTheSameConnectionGoesOn(PoolMode mode, String protocol) throws SQLException {
        try (Connection connection = connect(mode, protocol)) {
            SQLException error = Sql.assertFailsWith("42601", () -> Sql.single(connection, "selec 1"));
            assertThat(error.getMessage()).contains("syntax error at or near \"selec\"");
            assertThat(Sql.single(connection, "select 2")).isEqualTo("2");
        }
    }

    @ParameterizedTest(name = "{0} pool mode, {1} protocol")
    @CsvSource({"TRANSACTION, simple", "TRANSACTION, extended", "SESSION, simple", "SESSION, extended"})
    void errorInsideATransactionAbortsItUntilRollback(PoolMode mode, String protocol) throws SQLException {
        int id = mode.ordinal() * 10 + protocol.length();
        try (Connection connection = connect(mode, protocol)) {
            connection.setAutoCommit(false);
            Sql.execute(connection, "INSERT INTO notes VALUES (" + id + ", 'rolled back')");
            Sql.assertFailsWith("22012", () -> Sql.single(connection, "select 1/0"));
            SQLException aborted = Sql.assertFailsWith("25P02", () -> Sql.single(connection, "select 1"));
            assertThat(aborted.getMessage()).contains("current transaction is aborted");
            connection.rollback();

            assertThat(Sql.single(connection, "select count(*) from notes where id = " + id)).isEqualTo("0");
            Sql.execute(connection, "INSERT INTO notes VALUES (" + id + ", 'committed')");
            connection.commit();
        }
        assertThat(shard.psql(transactionUser.database(), "SELECT text FROM notes WHERE id = " + id)).isEqualTo("committed");
    }

    /** The router re-prepares statements on other backends; an execution error must not lose track of them. */
    @ParameterizedTest(name = "{0} pool mode")
    @CsvSource({"TRANSACTION", "SESSION"})
    void preparedStatementFailingAndSucceedingInTurn(PoolMode mode) throws SQLException {
        try (Connection connection = connect(mode, "extended");
                PreparedStatement divide = connection.prepareStatement("select 100 / ?::int")) {
            for (int i = 0; i < 10; i++) {
                divide.setInt(1, i % 2 == 0 ? 0 : i);
                if (i % 2 == 0) {
                    Sql.assertFailsWith("22012", divide::executeQuery);
                } else {
                    try (ResultSet rows = divide.executeQuery()) {
                        assertThat(rows.next()).isTrue();
                        assertThat(rows.getInt(1)).isEqualTo(100 / i);
                    }
                }
            }
            Sql.assertFailsWith("42703", () -> connection.prepareStatement("select no_such_column").executeQuery());
            divide.setInt(1, 4);
            try (ResultSet rows = divide.executeQuery()) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getInt(1)).isEqualTo(25);
            }
        }
    }

    @ParameterizedTest(name = "{0} pool mode")
    @CsvSource({"TRANSACTION", "SESSION"})
    void duplicateKeyInsideABatchFailsTheBatchAndTheConnectionGoesOn(PoolMode mode) throws SQLException {
        int base = 1000 + mode.ordinal() * 100;
        try (Connection connection = connect(mode, "extended");
                PreparedStatement insert = connection.prepareStatement("INSERT INTO notes VALUES (?, 'batch')")) {
            for (int id : new int[] {base, base + 1, base, base + 2}) {
                insert.setInt(1, id);
                insert.addBatch();
            }
            SQLException error = Sql.assertFailsWith("23505", insert::executeBatch);
            assertThat((Throwable) error).isInstanceOf(BatchUpdateException.class);
            // autocommit: the whole batch is one implicit transaction, so nothing of it stays
            assertThat(Sql.single(connection, "select count(*) from notes where id between " + base + " and " + (base + 2)))
                    .isEqualTo("0");
            insert.setInt(1, base);
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
    }

    private static Connection connect(PoolMode mode, String protocol) throws SQLException {
        Account account = mode == PoolMode.TRANSACTION ? transactionUser : sessionUser;
        return router.connect(account, Map.of("preferQueryMode", protocol, "prepareThreshold", "1"));
    }
}
