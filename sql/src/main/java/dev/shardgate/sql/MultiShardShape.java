package dev.shardgate.sql;

import java.util.List;
import java.util.Map;

/**
 * How a statement that runs on several shards is sent to them and how their answers make one
 * answer; or why that cannot be done correctly.
 */
public sealed interface MultiShardShape {

    /**
     * A SELECT.
     *
     * @param shardSql the text each shard runs: the statement with {@code avg(x)} split into
     *     {@code sum(x), count(x), avg(x)} (positional GROUP BY and ORDER BY items renumbered to
     *     match), LIMIT raised to cover the OFFSET and OFFSET made 0
     * @param aggregation how shard rows are re-aggregated; null when rows pass through as they are
     * @param sortKeys the ORDER BY, in the columns of the shard rows (or, when aggregated, of the output rows)
     * @param limit the LIMIT applied after merging, or -1 for none
     * @param offset the OFFSET applied after merging
     * @param distinct SELECT DISTINCT: equal rows are sent once
     * @param tables every table the statement reads, at any depth, once per use
     * @param rowSources the tables whose rows make the result rows: named in the top-level FROM and
     *     not on the null-extended side of an outer join
     * @param collations what decides the collation of the values the merge compares
     * @param limitParameter {@code n} of {@code LIMIT $n}, else 0: the LIMIT is known once bound, and
     *     the shards run the statement with {@code LIMIT ALL} (and OFFSET 0) in its place
     * @param offsetParameter {@code n} of {@code OFFSET $n}, else 0; the shards run it with OFFSET 0
     *     and LIMIT ALL
     * @param hiddenColumns how many columns at the end of the merged rows the client does not see:
     *     ORDER BY and GROUP BY items missing from the select list, which the shards are asked to
     *     return so that the merge can sort and group on them
     * @param pushdown null, or what makes each shard's part answerable alone although the statement
     *     reads several distributed relations or groups on the shards (EXPLAIN ROUTE shows it):
     *     see CoLocation
     */
    record Select(String shardSql, Aggregation aggregation, List<SortKey> sortKeys, long limit, long offset,
                  boolean distinct, List<TableRef> tables, List<TableRef> rowSources, Collations collations,
                  int limitParameter, int offsetParameter, int hiddenColumns, String pushdown)
            implements MultiShardShape {
        public Select {
            sortKeys = List.copyOf(sortKeys);
            tables = List.copyOf(tables);
            rowSources = List.copyOf(rowSources);
        }

        public Select(String shardSql, Aggregation aggregation, List<SortKey> sortKeys, long limit, long offset,
                      boolean distinct, List<TableRef> tables, List<TableRef> rowSources, Collations collations,
                      int limitParameter, int offsetParameter, int hiddenColumns) {
            this(shardSql, aggregation, sortKeys, limit, offset, distinct, tables, rowSources, collations, limitParameter,
                    offsetParameter, hiddenColumns, null);
        }

        public Select(String shardSql, Aggregation aggregation, List<SortKey> sortKeys, long limit, long offset,
                      boolean distinct, List<TableRef> tables, List<TableRef> rowSources, Collations collations) {
            this(shardSql, aggregation, sortKeys, limit, offset, distinct, tables, rowSources, collations, 0, 0, 0, null);
        }

        /** LIMIT or OFFSET cut the merged rows (or will, once their parameters are bound). */
        public boolean isWindowed() {
            return limit >= 0 || offset != 0 || limitParameter > 0 || offsetParameter > 0;
        }

        /** This shape with its LIMIT and OFFSET parameters bound to these values (-1: no LIMIT). */
        public Select bound(long boundLimit, long boundOffset) {
            return new Select(shardSql, aggregation, sortKeys, boundLimit, boundOffset, distinct, tables, rowSources,
                    collations, 0, 0, hiddenColumns, pushdown);
        }

        /** A shape whose collations are unknown: text is merged only when the router is told it is in C order. */
        public Select(String shardSql, Aggregation aggregation, List<SortKey> sortKeys, long limit, long offset,
                      boolean distinct, List<TableRef> tables, List<TableRef> rowSources) {
            this(shardSql, aggregation, sortKeys, limit, offset, distinct, tables, rowSources, Collations.UNKNOWN);
        }
    }

    /**
     * What decides the collation of the values a merge compares: text merges by bytes, which is the
     * collation's order only for C and POSIX (PostgreSQL documentation, 24.2 Collation Support).
     *
     * @param sortKeys for each of {@link Select#sortKeys()}, its expression
     * @param extremes for each min or max output column (by output index), its argument
     * @param from the top-level FROM, to find the tables of the columns the expressions name
     * @param groupKeys for each output column the merge groups on (GROUP BY keys, every column of
     *     SELECT DISTINCT), by output index, its expression; a grouped column missing here is unknown
     */
    record Collations(List<Collated> sortKeys, Map<Integer, Collated> extremes, FromScope from,
                      Map<Integer, Collated> groupKeys) {
        public static final Collations UNKNOWN = new Collations(List.of(), Map.of(), new FromScope(List.of(), true), Map.of());

        public Collations {
            sortKeys = List.copyOf(sortKeys);
            extremes = Map.copyOf(extremes);
            groupKeys = Map.copyOf(groupKeys);
        }

        /** The expression of the i-th sort key; unknown when the analysis did not say. */
        public Collated sortKey(int i) {
            return i < sortKeys.size() ? sortKeys.get(i) : Collated.UNKNOWN;
        }
    }

    /**
     * The parts of an expression that decide its collation (PostgreSQL documentation, 24.2.1
     * Concepts: an explicit COLLATE wins, else the implicit collation of the columns, else the
     * database default).
     *
     * @param explicit the collation a COLLATE clause around the whole expression names, or null
     * @param nested the collations COLLATE clauses inside it name
     * @param columns the column references in it, as written (qualifier first)
     * @param plainColumn the expression is one column reference and nothing else
     * @param opaque it holds something whose collation the router cannot follow (a subquery, *)
     */
    record Collated(String explicit, List<String> nested, List<List<String>> columns, boolean plainColumn,
                    boolean opaque) {
        public static final Collated UNKNOWN = new Collated(null, List.of(), List.of(), false, true);

        public Collated {
            nested = List.copyOf(nested);
            columns = columns.stream().map(List::copyOf).toList();
        }
    }

    /**
     * The relations of the top-level FROM.
     *
     * @param relations the tables and views named there (joins included)
     * @param otherSources it also has subqueries, functions, WITH queries or aliased joins, whose
     *     columns the router cannot look up
     */
    record FromScope(List<TableRef> relations, boolean otherSources) {
        public FromScope {
            relations = List.copyOf(relations);
        }
    }

    /**
     * An UPDATE or DELETE, sent as it is to every shard.
     *
     * @param tables every table the statement touches, once per use
     * @param rowSources the target table
     */
    record Modify(String shardSql, List<TableRef> tables, List<TableRef> rowSources) implements MultiShardShape {
        public Modify {
            tables = List.copyOf(tables);
            rowSources = List.copyOf(rowSources);
        }
    }

    /**
     * An INSERT … VALUES whose rows can be regrouped: a shard's statement is
     * {@code prefix + (rows joined by ", ") + suffix}.
     *
     * @param rows the text of each row, parentheses included, in the order of the VALUES list
     */
    record Insert(String prefix, List<String> rows, String suffix) implements MultiShardShape {
        public Insert {
            rows = List.copyOf(rows);
        }

        public String sqlFor(List<Integer> rowIndexes) {
            StringBuilder sql = new StringBuilder(prefix);
            for (int i = 0; i < rowIndexes.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append(rows.get(rowIndexes.get(i)));
            }
            return sql.append(suffix).toString();
        }
    }

    /** The merger cannot give PostgreSQL's answer; {@code reason} says what, for a 0A000 error. */
    record Unsupported(String reason) implements MultiShardShape {
    }

    /**
     * One ORDER BY item.
     *
     * @param column the 0-based column it sorts on, or -1 when only its name is known (the select
     *     list has {@code *}): then {@code columnName} is looked up in the RowDescription
     * @param nullsFirst as PostgreSQL defaults it: NULLS LAST ascending, NULLS FIRST descending
     */
    record SortKey(int column, String columnName, boolean descending, boolean nullsFirst) {
    }

    /** Grouped or aggregated rows: the output columns and where each comes from in a shard row. */
    record Aggregation(List<OutputColumn> columns) {
        public Aggregation {
            columns = List.copyOf(columns);
        }
    }

    /** An output column of an aggregated SELECT. */
    sealed interface OutputColumn {
        /**
         * A value without aggregates.
         *
         * @param grouped named by GROUP BY: rows are grouped on these; the others depend on them
         *     (constants, columns of a grouped primary key), and any row of the group gives them
         */
        record Key(int shardColumn, boolean grouped) implements OutputColumn {
        }

        /** count, sum, min or max of each shard, combined. */
        record Aggregate(AggregateKind kind, int shardColumn) implements OutputColumn {
        }

        /**
         * avg, sent to the shards as sum, count and avg: the sums and counts give the overall average,
         * the shards' avg column its name and type (and, for real, its float8 sum: sum(real) is real).
         */
        record Average(int sumColumn, int countColumn, int averageColumn) implements OutputColumn {
        }
    }

    /** Aggregates whose shard results combine into the overall result. */
    enum AggregateKind {
        /** Shard counts are summed. */
        COUNT,
        SUM,
        MIN,
        MAX
    }
}
