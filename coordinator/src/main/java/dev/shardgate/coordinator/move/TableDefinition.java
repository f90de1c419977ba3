package dev.shardgate.coordinator.move;

import dev.shardgate.meta.QualifiedName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A table's definition as read from a shard's catalogs, as SQL that recreates it on a shard
 * lacking it: columns with types, collations, defaults, identity and generated expressions, NOT
 * NULL; the sequences the defaults draw from, at the source's current value (ids drawn on the new
 * shard must not repeat the moved rows' ids) and owned by their column as on the source; primary
 * key, UNIQUE, CHECK and exclusion constraints; the other indexes; comments on the table and its
 * columns. Foreign keys come apart ({@link ForeignKey}): whether one can hold on the new shard
 * depends on what the other table is there.
 *
 * @param before   statements before CREATE TABLE: schemas and sequences
 * @param after    statements after it: constraints, indexes, ownership, sequence values, comments
 * @param access   the table's owner and the grants on it and its sequences: each tried on its own
 *                 and skipped with a log line when the shard refuses it (the role does not exist
 *                 there, or the data_move user may not give the table away)
 */
record TableDefinition(QualifiedName name, List<String> before, String createTable, List<String> after,
                       List<ForeignKey> foreignKeys, List<String> access) {
    private static final Logger log = LoggerFactory.getLogger(TableDefinition.class);

    /** A foreign key of the table and the table it references. */
    record ForeignKey(String constraint, QualifiedName references, String statement) {
    }

    String table() {
        return quoted(name);
    }

    static String quoted(QualifiedName name) {
        return KeySpan.identifier(name.schema()) + "." + KeySpan.identifier(name.name());
    }

    static TableDefinition read(Connection connection, String schema, String name) throws SQLException {
        QualifiedName qualified = new QualifiedName(schema, name);
        String table = quoted(qualified);
        List<String> before = new ArrayList<>();
        List<String> after = new ArrayList<>();
        before.add("CREATE SCHEMA IF NOT EXISTS " + KeySpan.identifier(schema));
        readSequences(connection, table, before, after);
        List<String> columns = readColumns(connection, table, after);
        for (List<String> row : query(connection, """
                SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
                WHERE c.conrelid = ?::regclass AND c.contype IN ('p', 'u', 'c', 'x')
                ORDER BY c.contype <> 'p', c.conname""", table)) {
            after.add("ALTER TABLE " + table + " ADD CONSTRAINT " + KeySpan.identifier(row.get(0)) + " " + row.get(1));
        }
        // Indexes that back no constraint; pg_get_indexdef names the table schema-qualified.
        for (List<String> row : query(connection, """
                SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i
                WHERE i.indrelid = ?::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                    WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x'))
                ORDER BY i.indexrelid""", table)) {
            after.add(row.get(0));
        }
        for (List<String> row : query(connection, """
                SELECT quote_literal(obj_description(?::regclass, 'pg_class'))""", table)) {
            if (row.get(0) != null) {
                after.add("COMMENT ON TABLE " + table + " IS " + row.get(0));
            }
        }
        List<ForeignKey> foreignKeys = new ArrayList<>();
        for (List<String> row : query(connection, """
                SELECT c.conname, pg_get_constraintdef(c.oid), n.nspname, r.relname FROM pg_constraint c
                JOIN pg_class r ON r.oid = c.confrelid JOIN pg_namespace n ON n.oid = r.relnamespace
                WHERE c.conrelid = ?::regclass AND c.contype = 'f' ORDER BY c.conname""", table)) {
            foreignKeys.add(new ForeignKey(row.get(0), new QualifiedName(row.get(2), row.get(3)),
                    "ALTER TABLE " + table + " ADD CONSTRAINT " + KeySpan.identifier(row.get(0)) + " " + row.get(1)));
        }
        List<String> access = new ArrayList<>();
        for (List<String> row : query(connection, """
                SELECT CASE WHEN c.relkind = 'S' THEN 'SEQUENCE ' ELSE 'TABLE ' END
                       || quote_ident(n.nspname) || '.' || quote_ident(c.relname),
                       quote_ident(pg_get_userbyid(c.relowner)),
                       (SELECT string_agg('GRANT ' || a.privilege_type || ' ON '
                               || CASE WHEN c.relkind = 'S' THEN 'SEQUENCE ' ELSE 'TABLE ' END
                               || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || ' TO '
                               || CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END
                               || CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END,
                               ';' ORDER BY a.grantee, a.privilege_type)
                        FROM aclexplode(c.relacl) a WHERE a.grantee <> c.relowner)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.oid = ?::regclass
                   OR c.relkind = 'S' AND c.oid IN (SELECT d.objid FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                AND d.refobjid = ?::regclass AND d.deptype IN ('a', 'i'))
                ORDER BY c.relkind = 'S'""", table, table)) {
            // Sequences owned by the table follow its owner; only the table's owner is set.
            if (row.get(0).startsWith("TABLE ")) {
                access.add("ALTER " + row.get(0) + " OWNER TO " + row.get(1));
            }
            if (row.get(2) != null) {
                access.addAll(List.of(row.get(2).split(";")));
            }
        }
        return new TableDefinition(qualified, before,
                "CREATE TABLE " + table + " (" + String.join(", ", columns) + ")", after, foreignKeys, access);
    }

    /** Column definitions; column comments and identity sequence values go to {@code after}. */
    private static List<String> readColumns(Connection connection, String table, List<String> after) throws SQLException {
        List<String> columns = new ArrayList<>();
        for (List<String> row : query(connection, """
                SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull::text,
                       CASE WHEN a.attcollation <> t.typcollation
                            THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END,
                       pg_get_expr(d.adbin, d.adrelid), a.attgenerated::text, a.attidentity::text,
                       quote_literal(col_description(a.attrelid, a.attnum)),
                       CASE WHEN a.attidentity <> '' THEN pg_get_serial_sequence(a.attrelid::regclass::text, a.attname) END
                FROM pg_attribute a
                JOIN pg_type t ON t.oid = a.atttypid
                LEFT JOIN pg_collation co ON co.oid = a.attcollation
                LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
                LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""", table)) {
            String column = KeySpan.identifier(row.get(0));
            StringBuilder definition = new StringBuilder(column).append(' ').append(row.get(1));
            if (row.get(3) != null) {
                definition.append(" COLLATE ").append(row.get(3));
            }
            if ("s".equals(row.get(5))) {
                definition.append(" GENERATED ALWAYS AS (").append(row.get(4)).append(") STORED");
            } else if (row.get(4) != null) {
                definition.append(" DEFAULT ").append(row.get(4));
            }
            if ("a".equals(row.get(6)) || "d".equals(row.get(6))) {
                definition.append(" GENERATED ").append("a".equals(row.get(6)) ? "ALWAYS" : "BY DEFAULT").append(" AS IDENTITY");
                sequenceValue(connection, row.get(8), after);
            }
            if ("true".equals(row.get(2))) {
                definition.append(" NOT NULL");
            }
            columns.add(definition.toString());
            if (row.get(7) != null) {
                after.add("COMMENT ON COLUMN " + table + "." + column + " IS " + row.get(7));
            }
        }
        return columns;
    }

    /**
     * The sequences the column defaults call (serial columns' and shared ones), created with the
     * source's options; a sequence the source owns by a column is owned by it here too.
     */
    private static void readSequences(Connection connection, String table, List<String> before, List<String> after)
            throws SQLException {
        for (List<String> row : query(connection, """
                SELECT DISTINCT n.nspname, s.relname, format_type(q.seqtypid, NULL), q.seqincrement::text,
                       q.seqmin::text, q.seqmax::text, q.seqstart::text, q.seqcache::text, q.seqcycle::text,
                       (SELECT quote_ident(a.attname) FROM pg_depend o
                        JOIN pg_attribute a ON a.attrelid = o.refobjid AND a.attnum = o.refobjsubid
                        WHERE o.classid = 'pg_class'::regclass AND o.objid = s.oid AND o.deptype = 'a'
                          AND o.refobjid = ?::regclass)
                FROM pg_attrdef d
                JOIN pg_depend dep ON dep.classid = 'pg_attrdef'::regclass AND dep.objid = d.oid
                     AND dep.refclassid = 'pg_class'::regclass
                JOIN pg_class s ON s.oid = dep.refobjid AND s.relkind = 'S'
                JOIN pg_namespace n ON n.oid = s.relnamespace
                JOIN pg_sequence q ON q.seqrelid = s.oid
                WHERE d.adrelid = ?::regclass""", table, table)) {
            String sequence = quoted(new QualifiedName(row.get(0), row.get(1)));
            before.add("CREATE SCHEMA IF NOT EXISTS " + KeySpan.identifier(row.get(0)));
            before.add("CREATE SEQUENCE IF NOT EXISTS " + sequence + " AS " + row.get(2) + " INCREMENT BY " + row.get(3)
                    + " MINVALUE " + row.get(4) + " MAXVALUE " + row.get(5) + " START WITH " + row.get(6)
                    + " CACHE " + row.get(7) + ("true".equals(row.get(8)) ? " CYCLE" : " NO CYCLE"));
            sequenceValue(connection, sequence, before);
            if (row.get(9) != null) {
                after.add("ALTER SEQUENCE " + sequence + " OWNED BY " + table + "." + row.get(9));
            }
        }
    }

    /**
     * Sets the sequence to the source's value, never lower than it already is on the shard (a
     * sequence two tables share may be there already and further on).
     */
    private static void sequenceValue(Connection connection, String sequence, List<String> statements) throws SQLException {
        for (List<String> row : query(connection, "SELECT pg_sequence_last_value(?::regclass)::text", sequence)) {
            if (row.get(0) != null) {
                statements.add("SELECT setval('" + sequence.replace("'", "''") + "', greatest(" + row.get(0)
                        + ", coalesce(pg_sequence_last_value('" + sequence.replace("'", "''") + "'), " + row.get(0) + ")))");
            }
        }
    }

    /**
     * Runs the definition on {@code connection}, in the caller's transaction. A foreign key is
     * created when {@code mayReference} accepts the table it references (a reference table
     * already on this shard), else skipped with a log line: rows of two distributed tables move
     * one relation at a time, so a foreign key between them would refuse the batch whose child
     * rows arrive before their parents.
     */
    void create(Connection connection, String shardId, Predicate<QualifiedName> mayReference) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : before) {
                statement.execute(sql);
            }
            statement.execute(createTable);
            for (String sql : after) {
                statement.execute(sql);
            }
            for (ForeignKey key : foreignKeys) {
                if (mayReference.test(key.references())) {
                    statement.execute(key.statement());
                } else {
                    log.info("event=foreign_key_skipped shard={} relation={} constraint={} references={}"
                            + " reason=not_a_reference_table_on_shard", shardId, name, key.constraint(), key.references());
                }
            }
            // Last: the owner may change, after which this user may no longer alter the table.
            for (String sql : access) {
                // A savepoint each: a refused grant must not undo the table.
                statement.execute("SAVEPOINT access");
                try {
                    statement.execute(sql);
                    statement.execute("RELEASE SAVEPOINT access");
                } catch (SQLException e) {
                    statement.execute("ROLLBACK TO SAVEPOINT access");
                    log.warn("event=table_access_skipped shard={} relation={} statement=\"{}\" error=\"{}\"", shardId, name,
                            sql, e.getMessage());
                }
            }
        }
    }

    private static List<List<String>> query(Connection connection, String sql, String... parameters) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setString(i + 1, parameters[i]);
            }
            try (ResultSet result = statement.executeQuery()) {
                int width = result.getMetaData().getColumnCount();
                while (result.next()) {
                    List<String> row = new ArrayList<>(width);
                    for (int i = 1; i <= width; i++) {
                        row.add(result.getString(i));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }
}
