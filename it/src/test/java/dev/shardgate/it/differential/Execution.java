package dev.shardgate.it.differential;

import org.postgresql.PGConnection;

import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/** Runs a {@link Step} on one connection and records what came back. */
final class Execution {
    private Execution() {
    }

    static Answer run(Connection connection, Step step) {
        try {
            if (step.copyData() != null) {
                long copied = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(step.sql(), new StringReader(step.copyData()));
                return new Answer.Count(copied);
            }
            try (PreparedStatement statement = connection.prepareStatement(step.sql())) {
                bind(statement, step.parameters());
                if (statement.execute()) {
                    try (ResultSet rows = statement.getResultSet()) {
                        return read(rows);
                    }
                }
                return new Answer.Count(statement.getUpdateCount());
            }
        } catch (SQLException e) {
            return new Answer.Failure(e.getSQLState(), e.getMessage());
        } catch (java.io.IOException | RuntimeException e) {
            return new Answer.Failure("08000", e.toString());
        }
    }

    static Answer.Rows read(ResultSet rows) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        List<String> types = new ArrayList<>();
        for (int c = 1; c <= meta.getColumnCount(); c++) {
            types.add(meta.getColumnTypeName(c));
        }
        List<List<String>> values = new ArrayList<>();
        while (rows.next()) {
            List<String> row = new ArrayList<>(types.size());
            for (int c = 1; c <= types.size(); c++) {
                row.add(rows.getString(c));
            }
            values.add(row);
        }
        return new Answer.Rows(types, values);
    }

    private static void bind(PreparedStatement statement, List<Object> parameters) throws SQLException {
        for (int i = 0; i < parameters.size(); i++) {
            Object value = parameters.get(i);
            if (value == null) {
                statement.setNull(i + 1, Types.INTEGER);
            } else {
                statement.setObject(i + 1, value);
            }
        }
    }
}
