package dev.shardgate.router.scatter;

import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.backend.SqlStates;
import dev.shardgate.router.merge.ShardCollations;
import dev.shardgate.sql.Identifiers;
import dev.shardgate.sql.MultiShardShape.FromScope;
import dev.shardgate.sql.TableRef;
import dev.shardgate.wire.BackendMessage;
import dev.shardgate.wire.DataRow;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.ParameterStatus;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.ReadyForQuery;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Asks a shard, on the backend about to run a merged SELECT and before it does, for its database's
 * default collation and the collations of the columns of the statement's FROM relations. It runs
 * in the client's transaction and search_path, so it sees the tables the statement will see. One
 * round trip per shard, only for SELECTs that compare values (ORDER BY, min, max, GROUP BY,
 * DISTINCT) without an explicit COLLATE "C".
 */
final class CollationLookup {
    /** A collation that orders by bytes: libc C or POSIX; datlocprovider is read through row_to_json to run on any version. */
    private static final String DATABASE_DEFAULT = """
            SELECT 0, NULL::text, CASE WHEN coalesce(row_to_json(d)->>'datlocprovider', 'c') = 'c'
                    AND d.datcollate::text IN ('C', 'POSIX') THEN 'C'
                WHEN row_to_json(d)->>'datlocprovider' = 'i' THEN coalesce(row_to_json(d)->>'daticulocale', '') || ' (icu)'
                ELSE d.datcollate::text END
            FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()""";
    private static final String COLUMNS = """
            SELECT r.i, a.attname::text, CASE WHEN a.attname IS NULL THEN NULL WHEN a.attcollation = 0 THEN '-'
                WHEN a.attcollation = 100 THEN 'default'
                WHEN c.collprovider = 'c' AND c.collcollate IN ('C', 'POSIX') THEN 'C' ELSE c.collname::text END
            FROM unnest(ARRAY[%s]::text[]) WITH ORDINALITY AS r(name, i)
            LEFT JOIN pg_catalog.pg_attribute a
                ON a.attrelid = pg_catalog.to_regclass(r.name) AND a.attnum > 0 AND NOT a.attisdropped
            LEFT JOIN pg_catalog.pg_collation c ON c.oid = a.attcollation""";

    /** Names of the collations whose equality is not byte equality (PostgreSQL 12 and later). */
    private static final String NONDETERMINISTIC = """
            SELECT -1, c.collname::text, n.nspname::text
            FROM pg_catalog.pg_collation c JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace
            WHERE NOT c.collisdeterministic""";

    private CollationLookup() {
    }

    static ShardCollations of(String shard, BackendConnection backend, FromScope from) throws IOException {
        List<String> names = new ArrayList<>();
        for (TableRef relation : from.relations()) {
            names.add(literal(relation));
        }
        String sql = DATABASE_DEFAULT + "\nUNION ALL\n" + NONDETERMINISTIC + "\nUNION ALL\n"
                + COLUMNS.formatted(String.join(", ", names));
        java.util.Set<String> nondeterministic = new java.util.HashSet<>();
        String databaseDefault = "unknown";
        List<Map<String, String>> relations = new ArrayList<>();
        for (int i = 0; i < from.relations().size(); i++) {
            relations.add(null);
        }
        for (String[] row : rows(backend, sql)) {
            int relation = Integer.parseInt(row[0]);
            if (relation == -1) {
                nondeterministic.add(row[1]);
                nondeterministic.add(row[2] + "." + row[1]);
            } else if (relation == 0) {
                databaseDefault = row[2];
            } else if (row[1] != null) {
                Map<String, String> columns = relations.get(relation - 1);
                if (columns == null) {
                    columns = new HashMap<>();
                    relations.set(relation - 1, columns);
                }
                columns.put(row[1], row[2] == null ? "unknown" : row[2]);
            }
        }
        return new ShardCollations(shard, databaseDefault, relations, nondeterministic);
    }

    /** {@code '"schema"."name"'}: to_regclass reads the quoted identifiers as written. */
    private static String literal(TableRef relation) {
        String name = Identifiers.quoted(relation);
        if (name.indexOf('\\') >= 0) {
            return "NULL"; // its columns stay unknown rather than depend on standard_conforming_strings
        }
        return "'" + name.replace("'", "''") + "'";
    }

    /** Runs a query and returns its rows as text; a server error after ReadyForQuery, the connection stays usable. */
    private static List<String[]> rows(BackendConnection connection, String sql) throws IOException {
        try {
            // relation and column names are the client's: in the encoding the server reads and answers in
            dev.shardgate.wire.ClientEncoding encoding = connection.reader().textEncoding();
            connection.writer().write(Query.of(sql, encoding));
            connection.writer().flush();
            List<String[]> rows = new ArrayList<>();
            ErrorResponse error = null;
            while (true) {
                BackendMessage message = connection.reader().readBackend();
                switch (message) {
                    case ParameterStatus status -> connection.reported().put(status.name(), status.value());
                    case DataRow row -> {
                        String[] values = new String[row.values().length];
                        for (int i = 0; i < values.length; i++) {
                            byte[] value = row.values()[i];
                            values[i] = value == null ? null : encoding.decode(value, 0, value.length);
                        }
                        rows.add(values);
                    }
                    case ErrorResponse e -> error = e;
                    case ReadyForQuery ready -> {
                        connection.readyForQuery(ready.status());
                        if (error != null) {
                            throw new PgException(SqlStates.fromCode(error.code()), error.message());
                        }
                        return rows;
                    }
                    default -> { }
                }
            }
        } catch (IOException e) {
            connection.markBroken();
            throw e;
        }
    }
}
