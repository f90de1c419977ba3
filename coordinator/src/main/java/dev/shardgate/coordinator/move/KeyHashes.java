package dev.shardgate.coordinator.move;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.HashFunction;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyValue;
import dev.shardgate.meta.QualifiedName;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;

/**
 * One shard session's hashes of a hashed relation's keys, computed once so that the steps of every
 * batch select a hash range's rows without hashing each row again (hashing in PL/pgSQL costs about
 * 100 times a plain scan of the row).
 *
 * <p>For each relation with one hashed key column, the session keeps a temporary table of every key
 * the relation held in one snapshot S, with its hash ({@link ShardHash}'s functions, so the router's
 * hash), indexed by hash. A row then lies in [lower, upper) when:
 * <ul>
 *   <li>its {@code xmin} precedes S's xmin (its version was committed before S, so S saw its key):
 *       its key is one of the table's keys with a hash in the range — a key's hash never changes, so
 *       an entry is never wrong, only possibly no longer in use;</li>
 *   <li>it was written by one of this session's own copies into the relation (recorded by
 *       {@link #copied}, in the copy's transaction): that copy's batch starts at {@code lower};</li>
 *   <li>otherwise (written after S by someone else): its key hashed now lies in the range.</li>
 * </ul>
 * The condition is exact at any time, whatever was written since S. {@code age()} compares
 * transaction ids modulo 2^32 as PostgreSQL does; a version older than 2^31 transactions reads as
 * written after S and is hashed, which is slow but still exact. Everything lives in the session's
 * temporary schema and vanishes with it: a new session (after a crash or a reconnection) builds its
 * own.
 */
final class KeyHashes {
    private static final String COPIED = "pg_temp.shardgate_copied";
    private final Connection connection;
    private final Map<QualifiedName, Keys> built = new HashMap<>();
    private boolean copiedTable;

    /** A relation's key table and the xmin of the snapshot it was filled in. */
    private record Keys(String table, long snapshotXmin) {
    }

    KeyHashes(Connection connection) {
        this.connection = connection;
    }

    /**
     * Whether the span's rows are selected through key tables: a key of one hashed column (a
     * routing expression's rows are hashed on the shard, by {@link KeySpan#predicate}).
     */
    static boolean applies(KeySpan span) {
        return span.types().size() == 1 && span.types().getFirst().isHashed()
                && span.relation().keyColumns().getFirst() instanceof DistributionKeyColumn;
    }

    /** The key column of a span {@link #applies} to. */
    private static DistributionKeyColumn keyColumn(KeySpan span) {
        return (DistributionKeyColumn) span.relation().keyColumns().getFirst();
    }

    /**
     * The condition for the span's rows on this shard. Builds the relation's key table when the
     * session has none, so call it outside a transaction of the caller's.
     */
    String rows(KeySpan span) throws SQLException {
        if (!applies(span)) {
            return span.predicate();
        }
        Keys keys = keys(span);
        String key = KeySpan.identifier(keyColumn(span).column());
        long lower = lower(span);
        String inRange = "m.h >= " + lower + span.upper().map(u -> " AND m.h < " + hash(u)).orElse("");
        return "CASE WHEN age(xmin) > age('" + keys.snapshotXmin() + "'::xid)"
                + " THEN " + key + " IN (SELECT m.k FROM " + keys.table() + " m WHERE " + inRange + ")"
                + " WHEN xmin::text IN (SELECT c.x FROM " + COPIED + " c)"
                + " THEN xmin::text IN (SELECT c.x FROM " + COPIED + " c WHERE c.lower = " + lower + ")"
                + " ELSE " + span.predicate() + " END";
    }

    /**
     * The hash after {@code rows} hashes from the span's start, counted in the key table: keys
     * written since it was built are not counted, so a batch may hold more or fewer rows than
     * asked when the relation changed meanwhile; it is still cut in hash order.
     */
    Optional<KeyBound> batchEnd(KeySpan span, int rows) throws SQLException {
        Keys keys = keys(span);
        String sql = "SELECT m.h FROM " + keys.table() + " m WHERE m.h >= " + lower(span)
                + span.upper().map(u -> " AND m.h < " + hash(u)).orElse("") + " ORDER BY m.h LIMIT 1 OFFSET " + rows;
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            if (!row.next()) {
                return Optional.empty();
            }
            return Optional.of(KeyBound.parse(List.of(row.getString(1)), span.types(), span.relation().distributionId()));
        }
    }

    /**
     * Records, inside the transaction that just copied the span's rows into this shard, that the
     * rows this transaction wrote lie in the span: later steps then need not hash them.
     */
    void copied(KeySpan span) throws SQLException {
        if (!applies(span) || !copiedTable) {
            return;
        }
        try (Statement statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO " + COPIED + " VALUES ((txid_current() % 4294967296)::text, "
                    + lower(span) + ")");
        }
    }

    private Keys keys(KeySpan span) throws SQLException {
        Keys keys = built.get(span.relation().name());
        if (keys == null) {
            keys = build(span, "pg_temp.shardgate_keys_" + (built.size() + 1));
            built.put(span.relation().name(), keys);
        }
        return keys;
    }

    /**
     * Fills the key table in one REPEATABLE READ snapshot, whose xmin it returns with it. The keys
     * are hashed here, by the router's own {@link HashFunction} (a few times cheaper than PL/pgSQL
     * on the shard): COPY sends each key and the text it is hashed from ({@link ShardHash#keyExpression}'s
     * input), and the keys with their hashes return by COPY through a temporary file, since one
     * session cannot run two COPYs at once.
     */
    private Keys build(KeySpan span, String table) throws SQLException {
        var column = keyColumn(span);
        String key = KeySpan.identifier(column.column());
        ColumnType type = span.types().getFirst();
        String hashed = switch (type) {
            case INTEGER_HASH -> key + "::bigint";
            case VARCHAR_HASH -> key + "::text";
            case UUID_HASH -> key + "::uuid::text";
            case INTEGER, VARCHAR, UUID -> throw new IllegalArgumentException("column type " + type + " is not hashed");
        };
        CopyManager copies = connection.unwrap(PGConnection.class).getCopyAPI();
        try (Statement statement = connection.createStatement()) {
            if (!copiedTable) {
                statement.execute("CREATE TEMPORARY TABLE IF NOT EXISTS " + COPIED + " (x text NOT NULL, lower bigint NOT NULL)");
                copiedTable = true;
            }
            long xmin;
            statement.execute("BEGIN ISOLATION LEVEL REPEATABLE READ");
            Path file = null;
            try {
                try (ResultSet row = statement.executeQuery("SELECT txid_snapshot_xmin(txid_current_snapshot()) % 4294967296")) {
                    row.next();
                    xmin = row.getLong(1);
                }
                statement.execute("DROP TABLE IF EXISTS " + table);
                statement.execute("CREATE TEMPORARY TABLE " + table + " AS SELECT " + key + " AS k, 0::bigint AS h FROM "
                        + span.table() + " WITH NO DATA");
                file = Files.createTempFile("shardgate-keys", ".copy");
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                    CopyOut keys = copies.copyOut("COPY (SELECT " + key + ", " + hashed + " FROM " + span.table() + ") TO STDOUT");
                    byte[] row;
                    while ((row = keys.readFromCopy()) != null) {
                        writeHashed(out, row, type, column.hash());
                    }
                }
                try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                    copies.copyIn("COPY " + table + " (k, h) FROM STDIN", in);
                }
                statement.execute("CREATE INDEX ON " + table + " (h)");
                statement.execute("COMMIT");
            } catch (IOException e) {
                statement.execute("ROLLBACK");
                throw new SQLException("hashing the keys of " + span.table() + ": " + e, e);
            } catch (SQLException | RuntimeException e) {
                statement.execute("ROLLBACK");
                throw e;
            } finally {
                if (file != null) {
                    try {
                        Files.deleteIfExists(file);
                    } catch (IOException e) {
                        // a leftover in the temporary directory holds keys, not rows
                    }
                }
            }
            // statistics for the planner's choice of a hashed subplan; VACUUM lets batchEnd read the index only
            statement.execute("VACUUM ANALYZE " + table);
            return new Keys(table, xmin);
        }
    }

    /**
     * One COPY text row {@code key TAB input NEWLINE} in, {@code key TAB hash NEWLINE} out. The key's
     * text goes back as it came (COPY's escapes included); the input is unescaped to the bytes the
     * router hashes: a bigint's digits, a uuid's lower-case text, a varchar's UTF-8 (the session's
     * client_encoding).
     */
    static void writeHashed(OutputStream out, byte[] row, ColumnType type, HashFunction function) throws IOException {
        int end = row.length - 1; // the newline
        int tab = end - 1;
        while (row[tab] != '\t') {
            tab--;
        }
        out.write(row, 0, tab + 1);
        if (end - tab == 3 && row[tab + 1] == '\\' && row[tab + 2] == 'N') {
            out.write(NULL_LINE_END);
            return;
        }
        long hash = switch (type) {
            case INTEGER_HASH -> function.hashInteger(Long.parseLong(new String(row, tab + 1, end - tab - 1,
                    StandardCharsets.US_ASCII)));
            case UUID_HASH -> function.hashBytes(java.util.Arrays.copyOfRange(row, tab + 1, end));
            case VARCHAR_HASH -> function.hashBytes(unescape(row, tab + 1, end));
            case INTEGER, VARCHAR, UUID -> throw new IllegalArgumentException("column type " + type + " is not hashed");
        };
        out.write(Long.toString(hash).getBytes(StandardCharsets.US_ASCII));
        out.write('\n');
    }

    private static final byte[] NULL_LINE_END = "\\N\n".getBytes(StandardCharsets.US_ASCII);

    /** COPY TO's text escapes undone (PostgreSQL "COPY", File Formats: Text Format). */
    static byte[] unescape(byte[] row, int from, int to) {
        byte[] bytes = new byte[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            byte b = row[i];
            if (b == '\\' && i + 1 < to) {
                b = switch (row[++i]) {
                    case 'b' -> 8;
                    case 'f' -> 12;
                    case 'n' -> 10;
                    case 'r' -> 13;
                    case 't' -> 9;
                    case 'v' -> 11;
                    default -> row[i];
                };
            }
            bytes[n++] = b;
        }
        return java.util.Arrays.copyOf(bytes, n);
    }

    private static long lower(KeySpan span) {
        return hash(span.lower());
    }

    private static long hash(KeyBound bound) {
        return ((KeyValue.HashValue) bound.get(0)).value();
    }
}
