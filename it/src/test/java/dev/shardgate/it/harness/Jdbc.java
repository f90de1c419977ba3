package dev.shardgate.it.harness;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Plain JDBC steps, and waiting for a condition, that the test clusters share. */
public final class Jdbc {

    private Jdbc() {
    }

    public static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The first column of every row, as text. */
    public static List<String> column(Connection connection, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    /** Every row of a query's result, its columns joined by "|". */
    public static List<String> rows(Connection connection, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(result.getString(i));
                }
                rows.add(String.join("|", values));
            }
        }
        return rows;
    }

    /**
     * Waits up to {@code millis} for the condition, checking every 20 ms; fails naming {@code what}
     * otherwise. Returns the time taken in ms.
     */
    public static long await(String what, long millis, BooleanSupplier condition) {
        long start = System.nanoTime();
        long deadline = start + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + millis + " ms: " + what);
            }
            ShardgateProcess.sleep(20);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** The single number a query answers. */
    public static long number(Connection connection, String sql) throws SQLException {
        return Long.parseLong(column(connection, sql).getFirst());
    }
}
