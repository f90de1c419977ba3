package dev.shardgate.it.routing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Statements through a pgjdbc connection: text without parameters goes through {@link Statement},
 * anything with parameters through {@link PreparedStatement} bound by Java type (setInt, setLong,
 * setString, setObject for UUID), so the protocol decides how the key reaches the router.
 */
final class Sql {
    private Sql() {
    }

    static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The update count. */
    static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, parameters)) {
            return statement.executeUpdate();
        }
    }

    /** The rows as psql -A -t prints them: columns joined by |, rows by newlines. */
    static String query(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, parameters); ResultSet rows = statement.executeQuery()) {
            return RoutedShards.text(rows);
        }
    }

    /** The error a statement fails with; fails the test when it succeeds. */
    static SQLException error(Connection connection, String sql, Object... parameters) {
        SQLException error = catchThrowableOfType(SQLException.class, () -> {
            try (PreparedStatement statement = prepare(connection, sql, parameters)) {
                statement.execute();
            }
        });
        assertThat((Throwable) error).as("error from " + sql).isNotNull();
        return error;
    }

    static PreparedStatement prepare(Connection connection, String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < parameters.length; i++) {
            switch (parameters[i]) {
                case Integer value -> statement.setInt(i + 1, value);
                case Long value -> statement.setLong(i + 1, value);
                case String value -> statement.setString(i + 1, value);
                case UUID value -> statement.setObject(i + 1, value);
                default -> throw new IllegalArgumentException("parameter " + parameters[i]);
            }
        }
        return statement;
    }
}
