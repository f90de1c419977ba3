package dev.shardgate.coordinator.move;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.HashFunction;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyValue;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.RoutingExpression;
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
import java.util.ArrayList;
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
     * Whether the span's rows are selected through key tables: a key of one hashed entry, a column
     * or a routing expression.
     */
    static boolean applies(KeySpan span) {
        return span.types().size() == 1 && span.types().getFirst().isHashed();
    }

    /**
     * What the one key entry of a span {@link #applies} to hashes: its columns, the type each is
     * hashed as, the function, and for a routing expression the expression (which hashes the
     * columns' hashes once more).
     */
    private record Hashed(List<String> columns, List<ColumnType> types, HashFunction function, RoutingExpression expression) {
        static Hashed of(KeySpan span) {
            return switch (span.relation().keyColumns().getFirst()) {
                case DistributionKeyColumn column ->
                        new Hashed(List.of(column.column()), List.of(span.types().getFirst()), column.hash(), null);
                case RoutingExpression expression -> new Hashed(expression.valueColumns(),
                        expression.columns().stream().map(c -> c.type().hashed()).toList(), expression.hash(), expression);
            };
        }

        /** The columns, quoted, joined: {@code "a"} or {@code "a", "b"}. */
        String key() {
            return String.join(", ", columns.stream().map(KeySpan::identifier).toList());
        }

        /** The key table's columns for them: {@code k1, k2, …}. */
        String tableColumns(String prefix) {
            List<String> names = new ArrayList<>();
            for (int i = 1; i <= columns.size(); i++) {
                names.add(prefix + "k" + i);
            }
            return String.join(", ", names);
        }
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
        Hashed hashed = Hashed.of(span);
        String key = hashed.columns().size() == 1 ? hashed.key() : "(" + hashed.key() + ")";
        long lower = lower(span);
        String inRange = "m.h >= " + lower + span.upper().map(u -> " AND m.h < " + hash(u)).orElse("");
        return "CASE WHEN age(xmin) > age('" + keys.snapshotXmin() + "'::xid)"
                + " THEN " + key + " IN (SELECT " + hashed.tableColumns("m.") + " FROM " + keys.table() + " m WHERE " + inRange + ")"
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
        Hashed key = Hashed.of(span);
        List<String> columns = new ArrayList<>();
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < key.columns().size(); i++) {
            String column = KeySpan.identifier(key.columns().get(i));
            columns.add(column + " AS k" + (i + 1));
            inputs.add(switch (key.types().get(i)) {
                case INTEGER_HASH -> column + "::bigint";
                case VARCHAR_HASH -> column + "::text";
                case UUID_HASH -> column + "::uuid::text";
                case INTEGER, VARCHAR, UUID -> throw new IllegalArgumentException("column type " + key.types().get(i) + " is not hashed");
            });
        }
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
                statement.execute("CREATE TEMPORARY TABLE " + table + " AS SELECT " + String.join(", ", columns)
                        + ", 0::bigint AS h FROM " + span.table() + " WITH NO DATA");
                file = Files.createTempFile("shardgate-keys", ".copy");
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                    CopyOut keys = copies.copyOut("COPY (SELECT " + key.key() + ", " + String.join(", ", inputs)
                            + " FROM " + span.table() + ") TO STDOUT");
                    byte[] row;
                    while ((row = keys.readFromCopy()) != null) {
                        writeHashed(out, row, key);
                    }
                }
                try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
                    copies.copyIn("COPY " + table + " (" + key.tableColumns("") + ", h) FROM STDIN", in);
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
     * One COPY text row {@code keys TAB inputs NEWLINE} in (n key columns, then the n inputs),
     * {@code keys TAB hash NEWLINE} out. The keys' text goes back as it came (COPY's escapes
     * included; a raw tab only ever separates fields); each input is unescaped to the bytes the
     * router hashes: a bigint's digits, a uuid's lower-case text, a varchar's UTF-8 (the session's
     * client_encoding). A routing expression hashes the inputs' hashes once more, as
     * {@link RoutingExpression} does. A null input makes a null hash.
     */
    static void writeHashed(OutputStream out, byte[] row, Hashed key) throws IOException {
        int n = key.columns().size();
        int end = row.length - 1; // the newline
        int[] starts = new int[2 * n + 1];
        int field = 1;
        for (int i = 0; i < end && field < 2 * n; i++) {
            if (row[i] == '\t') {
                starts[field++] = i + 1;
            }
        }
        starts[2 * n] = end + 1;
        out.write(row, 0, starts[n]);
        long[] hashes = new long[n];
        for (int i = 0; i < n; i++) {
            int from = starts[n + i];
            int to = starts[n + i + 1] - 1;
            if (to - from == 2 && row[from] == '\\' && row[from + 1] == 'N') {
                out.write(NULL_LINE_END);
                return;
            }
            hashes[i] = switch (key.types().get(i)) {
                case INTEGER_HASH -> key.function().hashInteger(Long.parseLong(new String(row, from, to - from,
                        StandardCharsets.US_ASCII)));
                case UUID_HASH -> key.function().hashBytes(java.util.Arrays.copyOfRange(row, from, to));
                case VARCHAR_HASH -> key.function().hashBytes(unescape(row, from, to));
                case INTEGER, VARCHAR, UUID -> throw new IllegalArgumentException("column type " + key.types().get(i) + " is not hashed");
            };
        }
        long hash = key.expression() == null ? hashes[0] : key.expression().keyOfHashes(hashes).value();
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
