package dev.shardgate.coordinator.move;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A relation's definition as read from a shard's catalog, enough to create it where it is
 * missing: columns with their types and NOT NULL, and the primary key. Defaults, other indexes and
 * constraints, and triggers are not copied: the router writes every column it is given.
 */
record TableDefinition(String schema, String name, List<String> columns, List<String> primaryKey) {

    static TableDefinition read(Connection connection, String schema, String name) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
                FROM pg_attribute a
                WHERE a.attrelid = (quote_ident(?) || '.' || quote_ident(?))::regclass
                  AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""")) {
            statement.setString(1, schema);
            statement.setString(2, name);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.add(KeySpan.identifier(rows.getString(1)) + " " + rows.getString(2)
                            + (rows.getBoolean(3) ? " NOT NULL" : ""));
                }
            }
        }
        List<String> primaryKey = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT a.attname
                FROM pg_index i
                JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) ON true
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                WHERE i.indrelid = (quote_ident(?) || '.' || quote_ident(?))::regclass AND i.indisprimary
                ORDER BY k.position""")) {
            statement.setString(1, schema);
            statement.setString(2, name);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    primaryKey.add(KeySpan.identifier(rows.getString(1)));
                }
            }
        }
        return new TableDefinition(schema, name, columns, primaryKey);
    }

    /** Creates the schema if needed and the table if it does not exist. */
    void create(Connection connection) throws SQLException {
        List<String> parts = new ArrayList<>(columns);
        if (!primaryKey.isEmpty()) {
            parts.add("PRIMARY KEY (" + String.join(", ", primaryKey) + ")");
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS " + KeySpan.identifier(schema));
            statement.execute("CREATE TABLE IF NOT EXISTS " + KeySpan.identifier(schema) + "." + KeySpan.identifier(name)
                    + " (" + String.join(", ", parts) + ")");
        }
    }
}
