package dev.shardgate.router.catalog;

import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.backend.SqlStates;
import dev.shardgate.sql.FunctionRef;
import dev.shardgate.sql.Identifiers;
import dev.shardgate.sql.TableRef;
import dev.shardgate.wire.BackendMessage;
import dev.shardgate.wire.ClientEncoding;
import dev.shardgate.wire.DataRow;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.ParameterStatus;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.ReadyForQuery;
import dev.shardgate.wire.SqlState;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The catalog queries behind {@link Catalog}, run on an idle backend that has the client's settings
 * (its search_path decides what an unqualified name is).
 */
public final class CatalogQueries {
    private CatalogQueries() {
    }

    public static Optional<RelationInfo> relation(BackendConnection backend, TableRef table) {
        String regclass = Identifiers.quoted(table);
        List<String[]> rows = rows(backend, "SELECT n.nspname, c.relname, c.relkind,"
                + " CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END"
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.oid = to_regclass(" + literal(regclass) + ")");
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        String[] row = rows.getFirst();
        return Optional.of(new RelationInfo(row[0], row[1], row[2].charAt(0), row[3]));
    }

    public static List<String> columns(BackendConnection backend, TableRef table) {
        String regclass = Identifiers.quoted(table);
        List<String[]> rows = rows(backend, "SELECT a.attname FROM pg_attribute a"
                + " WHERE a.attrelid = to_regclass(" + literal(regclass) + ") AND a.attnum > 0 AND NOT a.attisdropped"
                + " ORDER BY a.attnum");
        return rows.stream().map(row -> row[0]).toList();
    }

    public static List<FunctionInfo> functions(BackendConnection backend, FunctionRef function) {
        String where = function.schema() == null ? "pg_function_is_visible(p.oid)" : "n.nspname = " + literal(function.schema());
        List<String[]> rows = rows(backend, "SELECT n.nspname, p.proname, l.lanname,"
                + " CASE WHEN l.lanname = 'sql' THEN CASE WHEN p.prosrc !~ '^[[:space:]]*$' THEN p.prosrc"
                + " ELSE pg_get_functiondef(p.oid) END END,"
                + " EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid"
                + " AND d.deptype = 'e'),"
                // what a copy in pg_temp needs: CREATE FUNCTION pg_temp.name <header> AS <body>
                + " CASE WHEN l.lanname = 'sql' THEN '(' || pg_get_function_arguments(p.oid) || ') RETURNS '"
                + " || pg_get_function_result(p.oid) || ' LANGUAGE sql '"
                + " || CASE p.provolatile WHEN 'i' THEN 'IMMUTABLE' WHEN 's' THEN 'STABLE' ELSE 'VOLATILE' END"
                + " || CASE WHEN p.proisstrict THEN ' STRICT' ELSE '' END END,"
                + " CASE WHEN p.prokind <> 'f' THEN 'it is not a plain function'"
                + " WHEN p.prosqlbody IS NOT NULL THEN 'its body is SQL-standard (BEGIN ATOMIC or RETURN), parsed when it was"
                + " created: its relations cannot be spliced'"
                + " WHEN p.proconfig IS NOT NULL THEN 'it sets ' || array_to_string(p.proconfig, ', ') || ' while it runs'"
                + " WHEN p.prosecdef THEN 'it is SECURITY DEFINER' END"
                + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace JOIN pg_language l ON l.oid = p.prolang"
                + " WHERE p.proname = " + literal(function.name()) + " AND " + where);
        List<FunctionInfo> functions = new ArrayList<>(rows.size());
        for (String[] row : rows) {
            functions.add(new FunctionInfo(row[0], row[1], row[2], row[3], "t".equals(row[4]), row[5], row[6]));
        }
        return functions;
    }

    /** Runs a query through its ReadyForQuery; a server error is rethrown after it, so the backend stays usable. */
    private static List<String[]> rows(BackendConnection backend, String sql) {
        try {
            // names are the client's: in the encoding the backend's session reads and answers in
            ClientEncoding encoding = backend.reader().textEncoding();
            backend.writer().write(Query.of(sql, encoding));
            backend.writer().flush();
            List<String[]> rows = new ArrayList<>();
            ErrorResponse error = null;
            while (true) {
                BackendMessage message = backend.reader().readBackend();
                switch (message) {
                    case ParameterStatus status -> backend.reported().put(status.name(), status.value());
                    case ErrorResponse e -> error = e;
                    case DataRow row -> {
                        String[] values = new String[row.columnCount()];
                        for (int i = 0; i < values.length; i++) {
                            byte[] value = row.values()[i];
                            values[i] = value == null ? null : encoding.decode(value, 0, value.length);
                        }
                        rows.add(values);
                    }
                    case ReadyForQuery ready -> {
                        backend.readyForQuery(ready.status());
                        if (error != null) {
                            throw new PgException(SqlStates.fromCode(error.code()), "looking up the catalog: " + error.message());
                        }
                        return rows;
                    }
                    default -> { }
                }
            }
        } catch (IOException e) {
            backend.markBroken();
            throw new PgException(SqlState.CONNECTION_FAILURE, "lost connection while looking up the catalog: " + e.getMessage());
        }
    }

    /** A dollar-quoted literal: whatever standard_conforming_strings says, its text is taken as it is. */
    private static String literal(String text) {
        String tag = "$sg$";
        while (text.contains(tag)) {
            tag = "$sg" + tag.length() + "$";
        }
        return tag + text + tag;
    }
}
