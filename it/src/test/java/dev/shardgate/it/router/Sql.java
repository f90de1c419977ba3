package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** What a pgjdbc client sees: single values, and errors judged by their SQLSTATE. */
final class Sql {
    private Sql() {
    }

    /** The first column of the only row {@code sql} returns, as text. */
    static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as("a row from " + sql).isTrue();
            String value = rows.getString(1);
            assertThat(rows.next()).as("only one row from " + sql).isFalse();
            return value;
        }
    }

    /** The first column of every row {@code sql} returns, as text. */
    static java.util.List<String> rows(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            java.util.List<String> values = new java.util.ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        }
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Runs {@code call}, which must fail with an SQLException carrying {@code sqlState}; returns it. */
    static SQLException assertFailsWith(String sqlState, ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).as("an SQLException with SQLSTATE " + sqlState).isInstanceOf(SQLException.class);
        SQLException error = (SQLException) thrown;
        assertThat(error.getSQLState()).as("SQLSTATE of: " + error.getMessage()).isEqualTo(sqlState);
        return error;
    }
}
