package dev.shardgate.coordinator.replica;

import dev.shardgate.console.replica.HostQueries;
import dev.shardgate.coordinator.config.DataMoveConfig;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * One pgjdbc connection per statement to exactly the host named (not the shard's multi-host URL:
 * a promotion must reach that server), with the data_move credentials.
 */
public final class JdbcHostQueries implements HostQueries {
    private final DataMoveConfig config;

    public JdbcHostQueries(DataMoveConfig config) {
        this.config = config;
    }

    @Override
    public List<List<String>> query(String shard, String host, String sql, Duration timeout) {
        // pgjdbc counts these in whole seconds; 0 would mean no limit
        String seconds = Long.toString(Math.max(1, (timeout.toMillis() + 999) / 1000));
        Properties properties = new Properties();
        properties.setProperty("user", config.user());
        if (!config.password().isEmpty()) {
            properties.setProperty("password", config.password());
        }
        properties.setProperty("connectTimeout", seconds);
        properties.setProperty("loginTimeout", seconds);
        properties.setProperty("socketTimeout", seconds);
        properties.setProperty("ApplicationName", "shardgate coordinator");
        String url = "jdbc:postgresql://" + host + "/" + config.database();
        Connection connection;
        try {
            connection = DriverManager.getConnection(url, properties);
        } catch (SQLException e) {
            // the server's own refusal (28P01, 53300, 57P03) says it is running; 08xxx that it is not there
            String code = e.getSQLState();
            SqlState state = code == null || code.startsWith("08") ? SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION
                    : byCode(code);
            throw new PgException(state, "cannot connect to host \"" + host + "\" of shard \"" + shard + "\": " + e.getMessage());
        }
        try (connection; Statement statement = connection.createStatement()) {
            List<List<String>> rows = new ArrayList<>();
            if (statement.execute(sql)) {
                try (ResultSet result = statement.getResultSet()) {
                    int columns = result.getMetaData().getColumnCount();
                    while (result.next()) {
                        String[] row = new String[columns];
                        for (int i = 0; i < columns; i++) {
                            row[i] = result.getString(i + 1);
                        }
                        rows.add(Arrays.asList(row));
                    }
                }
            }
            return rows;
        } catch (SQLException e) {
            SqlState state = e.getSQLState() == null ? SqlState.CONNECTION_FAILURE : byCode(e.getSQLState());
            throw new PgException(state, "host \"" + host + "\" of shard \"" + shard + "\": " + e.getMessage());
        }
    }

    private static SqlState byCode(String code) {
        for (SqlState state : SqlState.values()) {
            if (state.code().equals(code)) {
                return state;
            }
        }
        // a code SqlState does not name keeps its class when the class has a code of its own
        for (SqlState state : SqlState.values()) {
            if (state.code().equals(code.substring(0, 2) + "000")) {
                return state;
            }
        }
        return code.startsWith("08") ? SqlState.CONNECTION_FAILURE : SqlState.INTERNAL_ERROR;
    }
}
