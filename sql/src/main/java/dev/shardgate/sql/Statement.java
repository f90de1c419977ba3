package dev.shardgate.sql;

import java.util.List;

/**
 * One statement of a query string.
 *
 * @param kind what the statement does
 * @param tables the tables it reads or writes (CTE names are not tables), distinct, in order of
 *     appearance; an EXPLAIN, PREPARE or COPY lists those of the statement inside it
 * @param filters the key values the statement restricts tables to: see {@link KeyFilter}
 * @param insertRows for INSERT with a column list, one entry per VALUES row
 * @param set the session setting changed, for SET, RESET and DISCARD; null otherwise
 * @param text this statement's own slice of the query string, without the {@code ;}
 * @param writes the relations it writes, at any depth (WITH queries, EXPLAIN ANALYZE, MERGE)
 * @param definesSharedObject DDL on an object that relations on every shard may depend on: a
 *     schema, type, domain, function, sequence, extension, collation, cast, operator, text search
 *     configuration
 * @param functions the functions it calls anywhere (operators and casts aside), distinct, in order
 *     of appearance: a function may read relations the statement does not name
 */
public record Statement(StatementKind kind, List<TableRef> tables, List<KeyFilter> filters,
                        List<InsertRow> insertRows, SetCommand set, String text, List<Write> writes,
                        boolean definesSharedObject, List<FunctionRef> functions) {
    public Statement {
        tables = List.copyOf(tables);
        filters = List.copyOf(filters);
        insertRows = List.copyOf(insertRows);
        writes = List.copyOf(writes);
        functions = List.copyOf(functions);
    }

    /** A statement that calls no function. */
    public Statement(StatementKind kind, List<TableRef> tables, List<KeyFilter> filters,
                     List<InsertRow> insertRows, SetCommand set, String text, List<Write> writes,
                     boolean definesSharedObject) {
        this(kind, tables, filters, insertRows, set, text, writes, definesSharedObject, List.of());
    }

    /** A statement that writes nothing, defines no shared object and calls no function. */
    public Statement(StatementKind kind, List<TableRef> tables, List<KeyFilter> filters,
                     List<InsertRow> insertRows, SetCommand set, String text) {
        this(kind, tables, filters, insertRows, set, text, List.of(), false, List.of());
    }

    /** The same statement with the functions it calls. */
    Statement withFunctions(List<FunctionRef> called) {
        return new Statement(kind, tables, filters, insertRows, set, text, writes, definesSharedObject, called);
    }
}
