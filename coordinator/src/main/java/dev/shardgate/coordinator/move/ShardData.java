package dev.shardgate.coordinator.move;

import dev.shardgate.coordinator.config.DataMoveConfig;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.Shard;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

/** The SQL a move runs on shards: one connection per shard, opened with the data_move credentials. */
final class ShardData {
    private final DataMoveConfig config;

    ShardData(DataMoveConfig config) {
        this.config = config;
    }

    /**
     * pgjdbc's multi-host URL: it tries the hosts in order and, with {@code targetServerType=primary},
     * keeps only one that answers {@code transaction_read_only = off} (pgjdbc's check of a primary),
     * so rows are always written to the primary, wherever it is in the list after a failover.
     */
    static String url(Shard shard, String database) {
        return "jdbc:postgresql://" + String.join(",", shard.hosts()) + "/"
                + URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20") + "?targetServerType=primary";
    }

    /**
     * A connection to the shard's primary, autocommit on; with {@link ShardHash}'s key hash functions
     * when {@code distribution} has a hashed column (they need the TEMP privilege, range moves do not).
     *
     * @throws PgException 08001 naming the shard when it cannot be reached
     */
    Connection connect(Shard shard, Distribution distribution) {
        return connect(shard, distribution.isHashed());
    }

    /** A connection to the shard's primary, autocommit on, without the key hash functions. */
    Connection connect(Shard shard) {
        return connect(shard, false);
    }

    private Connection connect(Shard shard, boolean hashed) {
        if (shard.hosts().isEmpty()) {
            throw new PgException(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION, "shard \"" + shard.id() + "\" has no hosts");
        }
        String url = url(shard, config.database());
        Properties properties = new Properties();
        properties.setProperty("user", config.user());
        if (!config.password().isEmpty()) {
            properties.setProperty("password", config.password());
        }
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("ApplicationName", "shardgate coordinator data move");
        try {
            Connection connection = DriverManager.getConnection(url, properties);
            try {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET standard_conforming_strings = on");
                }
                if (hashed) {
                    try (Statement statement = connection.createStatement()) {
                        // KeyHashes' temporary key tables and the hashed subplans over them: local buffers
                        // (settable only before the session's first temporary table) and hash tables that
                        // hold a batch's keys; JIT would compile the PL/pgSQL-costed scans for nothing.
                        statement.execute("SET temp_buffers = '128MB'; SET work_mem = '256MB'; SET jit = off");
                    }
                    ShardHash.install(connection);
                }
            } catch (SQLException e) {
                connection.close();
                throw e;
            }
            return connection;
        } catch (SQLException e) {
            throw new PgException(SqlState.SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION,
                    "cannot connect to shard \"" + shard.id() + "\" for a data move: " + e.getMessage());
        }
    }

    /** The upper bound of a batch: the key after {@code rows} keys from the span's start, if there is one. */
    static Optional<KeyBound> batchEnd(Connection source, KeySpan span, int rows) throws SQLException {
        String sql = "SELECT " + keyValues(span) + " FROM " + span.table() + " WHERE " + span.predicate()
                + " ORDER BY " + span.keyColumns() + " LIMIT 1 OFFSET " + rows;
        try (Statement statement = source.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            if (!row.next()) {
                return Optional.empty();
            }
            List<String> texts = new ArrayList<>();
            for (int i = 1; i <= span.types().size(); i++) {
                texts.add(row.getString(i));
            }
            return Optional.of(KeyBound.parse(texts, span.types(), span.relation().distributionId()));
        }
    }

    /** The key as the router compares it: the columns, or the hashes of hashed ones (bounds are hashes then). */
    private static String keyValues(KeySpan span) {
        return span.isHashed() ? span.keyColumns()
                : String.join(", ", span.relation().valueColumns().stream().map(KeySpan::identifier).toList());
    }

    /**
     * The relation's average row size on disk, from {@code pg_class} (pages and the row estimate
     * that VACUUM, ANALYZE and CREATE INDEX keep); empty when the relation has no estimate yet.
     */
    static Optional<Double> averageRowBytes(Connection connection, KeySpan span) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT c.relpages::float8 * current_setting('block_size')::int / c.reltuples FROM pg_class c
                WHERE c.oid = (quote_ident(?) || '.' || quote_ident(?))::regclass AND c.reltuples > 0 AND c.relpages > 0""")) {
            statement.setString(1, span.relation().name().schema());
            statement.setString(2, span.relation().name().name());
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(row.getDouble(1)) : Optional.empty();
            }
        }
    }

    /** The relation's columns in order, quoted, as both shards must have them. */
    static List<String> columns(Connection connection, KeySpan span) throws SQLException {
        return columns(connection, span.relation().name());
    }

    static List<String> columns(Connection connection, QualifiedName relation) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT a.attname FROM pg_attribute a
                WHERE a.attrelid = (quote_ident(?) || '.' || quote_ident(?))::regclass
                  AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                ORDER BY a.attnum""")) {
            statement.setString(1, relation.schema());
            statement.setString(2, relation.name());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.add(KeySpan.identifier(rows.getString(1)));
                }
            }
        }
        return columns;
    }

    /**
     * Copies the span's rows in the two connections' transactions, which the caller commits:
     * deletes on the destination the rows {@code destinationRows} selects there (left by an
     * earlier attempt, or written around the router), then streams the rows {@code sourceRows}
     * selects on the source into the destination.
     *
     * @return the rows copied, counted as they passed ({@link RowChecksum})
     */
    static BatchContent copy(Connection source, String sourceRows, Connection destination, String destinationRows,
                             KeySpan span, List<String> columns) throws SQLException {
        String list = String.join(", ", columns);
        try (Statement statement = destination.createStatement()) {
            statement.executeUpdate("DELETE FROM " + span.table() + " WHERE " + destinationRows);
        }
        RowChecksum checksum = new RowChecksum();
        pipe(source, destination, span.table(), "SELECT " + list + " FROM " + span.table() + " WHERE " + sourceRows,
                list, checksum);
        return checksum.content();
    }

    /**
     * Streams the rows {@code select} gives on the source into {@code table}'s {@code columns} on
     * the destination, in whatever transactions the two connections are in.
     *
     * @return rows copied
     */
    static long pipe(Connection source, Connection destination, String table, String select, String columns)
            throws SQLException {
        return pipe(source, destination, table, select, columns, new RowChecksum());
    }

    private static long pipe(Connection source, Connection destination, String table, String select, String columns,
                             RowChecksum checksum) throws SQLException {
        CopyOut out = source.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + select + ") TO STDOUT");
        CopyIn in = destination.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + table + " (" + columns + ") FROM STDIN");
        try {
            byte[] chunk;
            while ((chunk = out.readFromCopy()) != null) {
                checksum.update(chunk, 0, chunk.length);
                in.writeToCopy(chunk, 0, chunk.length);
            }
            return in.endCopy();
        } finally {
            if (out.isActive()) {
                out.cancelCopy();
            }
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    /**
     * Count and checksum of the span's rows that {@code rows} selects, read by COPY in the text
     * form {@link #copy} streamed them in.
     */
    static BatchContent read(Connection connection, KeySpan span, String rows, List<String> columns) throws SQLException {
        return copyOut(connection, "SELECT " + String.join(", ", columns) + " FROM " + span.table() + " WHERE " + rows);
    }

    /** Deletes the span's rows that {@code rows} selects; returns how many. */
    static long delete(Connection connection, KeySpan span, String rows) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            return statement.executeUpdate("DELETE FROM " + span.table() + " WHERE " + rows);
        }
    }

    private static BatchContent copyOut(Connection connection, String query) throws SQLException {
        CopyOut out = connection.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (" + query + ") TO STDOUT");
        RowChecksum checksum = new RowChecksum();
        try {
            byte[] chunk;
            while ((chunk = out.readFromCopy()) != null) {
                checksum.update(chunk, 0, chunk.length);
            }
            return checksum.content();
        } finally {
            if (out.isActive()) {
                out.cancelCopy();
            }
        }
    }

    /** The span's rows on the shard, counted. */
    static long count(Connection connection, KeySpan span) throws SQLException {
        String sql = "SELECT count(*) FROM " + span.table() + " WHERE " + span.predicate();
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    /** Whether the relation exists on the shard. */
    static boolean exists(Connection connection, KeySpan span) throws SQLException {
        return exists(connection, span.relation());
    }

    static boolean exists(Connection connection, DistributedRelation relation) throws SQLException {
        return exists(connection, relation.name());
    }

    static boolean exists(Connection connection, QualifiedName relation) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT to_regclass(quote_ident(?) || '.' || quote_ident(?)) IS NOT NULL")) {
            statement.setString(1, relation.schema());
            statement.setString(2, relation.name());
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getBoolean(1);
            }
        }
    }

    /**
     * Waits until no transaction on the shard started before the shard's current time, other than
     * this session's: writes routed before the routers saw a lock have then ended.
     *
     * @return whether they ended within {@code timeoutMillis}
     */
    static boolean awaitOlderTransactions(Connection connection, long timeoutMillis) throws SQLException, InterruptedException {
        Timestamp now;
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery("SELECT clock_timestamp()")) {
            row.next();
            now = row.getTimestamp(1);
        }
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        long pause = 2;
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT count(*) FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start < ?
                  AND backend_type = 'client backend'""")) {
            statement.setTimestamp(1, now);
            while (true) {
                try (ResultSet row = statement.executeQuery()) {
                    row.next();
                    if (row.getLong(1) == 0) {
                        return true;
                    }
                }
                if (System.nanoTime() > deadline) {
                    return false;
                }
                // most such transactions are a router's statement that ends within milliseconds
                Thread.sleep(pause);
                pause = Math.min(pause * 2, 20);
            }
        }
    }
}
