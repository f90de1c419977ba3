package dev.shardgate.sql;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which function names a multi-shard SELECT may call. The parse tree does not say whether
 * {@code f(x)} is an aggregate: PostgreSQL decides that from the catalog, and a user's
 * {@code CREATE AGGREGATE f} makes every shard answer one row where one server would answer one row
 * in all. So only names known from PostgreSQL 15's own catalog (pg_catalog_functions.txt) pass:
 * built-in functions that are not aggregates anywhere, and the aggregates the merger re-aggregates.
 */
final class KnownFunctions {
    /** Aggregates whose per-shard results the merger combines (see SelectShapes). */
    static final Set<String> REAGGREGATED = Set.of("count", "sum", "min", "max", "avg", "bool_and", "bool_or", "every");

    /**
     * Built-ins that write or need a transaction ID, which a standby refuses: those PostgreSQL 15
     * marks PARALLEL UNSAFE (pg_proc.proparallel = 'u'), as it marks functions that change
     * database state, less current_schema(s) (unsafe for another reason), plus pg_notify (a
     * standby cannot NOTIFY) and the WAL and restore-point functions a standby refuses.
     */
    private static final Set<String> WRITING = Set.of(
            "brin_desummarize_range", "brin_summarize_new_values", "brin_summarize_range", "currtid2", "currval",
            "cursor_to_xml", "cursor_to_xmlschema", "gin_clean_pending_list", "lastval",
            "lo_close", "lo_creat", "lo_create", "lo_export", "lo_from_bytea", "lo_get", "lo_import", "lo_lseek",
            "lo_lseek64", "lo_open", "lo_put", "lo_tell", "lo_tell64", "lo_truncate", "lo_truncate64", "lo_unlink",
            "loread", "lowrite", "nextval", "setval", "pg_sequence_last_value",
            "pg_copy_logical_replication_slot", "pg_copy_physical_replication_slot",
            "pg_create_logical_replication_slot", "pg_create_physical_replication_slot", "pg_drop_replication_slot",
            "pg_replication_slot_advance", "pg_logical_emit_message", "pg_logical_slot_get_binary_changes",
            "pg_logical_slot_get_changes", "pg_logical_slot_peek_binary_changes", "pg_logical_slot_peek_changes",
            "pg_replication_origin_advance", "pg_replication_origin_create", "pg_replication_origin_drop",
            "pg_replication_origin_progress", "pg_replication_origin_session_progress",
            "pg_replication_origin_session_reset", "pg_replication_origin_session_setup",
            "pg_current_xact_id", "pg_current_xact_id_if_assigned", "txid_current", "txid_current_if_assigned",
            "pg_export_snapshot", "pg_extension_config_dump", "pg_import_system_collations", "pg_nextoid",
            "pg_stop_making_pinned_objects", "query_to_xml", "query_to_xml_and_xmlschema", "query_to_xmlschema",
            "set_config", "ts_rewrite", "ts_stat", "pg_notify", "pg_switch_wal", "pg_create_restore_point",
            "pg_start_backup", "pg_backup_start", "pg_stop_backup", "pg_backup_stop");

    private static final Set<String> NOT_AGGREGATES;
    private static final Set<String> AGGREGATES;

    static {
        Set<String> plain = new HashSet<>();
        Set<String> aggregates = new HashSet<>();
        try (InputStream in = KnownFunctions.class.getResourceAsStream("pg_catalog_functions.txt")) {
            if (in == null) {
                throw new IllegalStateException("pg_catalog_functions.txt is missing from the classpath");
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] nameAndKind = line.split(" ");
                (nameAndKind[1].equals("a") ? aggregates : plain).add(nameAndKind[0]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        plain.removeAll(aggregates); // cume_dist, rank, …: window functions and hypothetical-set aggregates
        NOT_AGGREGATES = Set.copyOf(plain);
        AGGREGATES = Set.copyOf(aggregates);
    }

    private KnownFunctions() {
    }

    /** True for a function of PostgreSQL 15's own catalog, called unqualified or as pg_catalog.name. */
    static boolean isBuiltIn(String schema, String name) {
        return (schema == null || schema.equals("pg_catalog")) && (NOT_AGGREGATES.contains(name) || AGGREGATES.contains(name));
    }

    /** True for a built-in that writes or needs a transaction ID (see {@link #WRITING}). */
    static boolean isWriting(String name) {
        return WRITING.contains(name);
    }

    /** True for a built-in aggregate of PostgreSQL 15. */
    static boolean isBuiltInAggregate(String name) {
        return AGGREGATES.contains(name);
    }

    /**
     * Why the first call in the subtree (nested queries included) cannot be merged from several
     * shards, or null when every call is to a built-in non-aggregate or a re-aggregated aggregate.
     * Built-in aggregates the merger cannot combine are refused where they are read (SelectShapes).
     */
    static String refusal(Object json) {
        if (json instanceof List<?> list) {
            for (Object item : list) {
                String reason = refusal(item);
                if (reason != null) {
                    return reason;
                }
            }
        } else if (json instanceof Map<?, ?> map) {
            Node node = Node.of(json);
            if (node != null && node.is("FuncCall")) {
                String reason = refusalOf(node);
                if (reason != null) {
                    return reason;
                }
            }
            for (Object value : map.values()) {
                String reason = refusal(value);
                if (reason != null) {
                    return reason;
                }
            }
        }
        return null;
    }

    /**
     * The first call in the subtree (nested queries included) to a function that is not built into
     * PostgreSQL 15, as written; null when there is none. A multi-shard write runs such a function
     * once per shard, where it sees and changes that shard's rows only: its side effects and reads
     * would not be one server's.
     */
    static String firstNotBuiltIn(Object json) {
        return firstNotBuiltIn(json, names -> false);
    }

    /** As {@link #firstNotBuiltIn(Object)}, passing the calls whose names {@code known} accepts. */
    static String firstNotBuiltIn(Object json, java.util.function.Predicate<List<String>> known) {
        if (json instanceof List<?> list) {
            for (Object item : list) {
                String name = firstNotBuiltIn(item, known);
                if (name != null) {
                    return name;
                }
            }
        } else if (json instanceof Map<?, ?> map) {
            Node node = Node.of(json);
            if (node != null && node.is("FuncCall")) {
                List<String> names = node.names("funcname");
                if (names == null || names.isEmpty()) {
                    return "?";
                }
                boolean inCatalog = names.size() == 1 || (names.size() == 2 && names.getFirst().equals("pg_catalog"));
                String name = names.getLast();
                if (!known.test(names) && (!inCatalog || !(NOT_AGGREGATES.contains(name) || AGGREGATES.contains(name)))) {
                    return String.join(".", names);
                }
            }
            for (Object value : map.values()) {
                String name = firstNotBuiltIn(value, known);
                if (name != null) {
                    return name;
                }
            }
        }
        return null;
    }

    private static String refusalOf(Node call) {
        List<String> names = call.names("funcname");
        if (names == null || names.isEmpty()) {
            return "a function call whose name could not be read cannot be merged from several shards";
        }
        String name = names.getLast();
        String qualified = String.join(".", names);
        boolean inCatalog = names.size() == 1 || (names.size() == 2 && names.getFirst().equals("pg_catalog"));
        if (inCatalog && (NOT_AGGREGATES.contains(name) || AGGREGATES.contains(name))) {
            return null;
        }
        return "function " + qualified + " is not a built-in function of PostgreSQL, so the router cannot tell"
                + " whether it is an aggregate: a multi-shard SELECT cannot call it";
    }
}
