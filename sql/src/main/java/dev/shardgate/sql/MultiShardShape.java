package dev.shardgate.sql;

import java.util.List;

/**
 * How a statement that runs on several shards is sent to them and how their answers make one
 * answer; or why that cannot be done correctly.
 */
public sealed interface MultiShardShape {

    /**
     * A SELECT.
     *
     * @param shardSql the text each shard runs: the statement with {@code avg(x)} split into
     *     {@code sum(x), count(x)}, LIMIT raised to cover the OFFSET and OFFSET made 0
     * @param aggregation how shard rows are re-aggregated; null when rows pass through as they are
     * @param sortKeys the ORDER BY, in the columns of the shard rows (or, when aggregated, of the output rows)
     * @param limit the LIMIT applied after merging, or -1 for none
     * @param offset the OFFSET applied after merging
     * @param distinct SELECT DISTINCT: equal rows are sent once
     * @param tables every table the statement reads, at any depth, once per use
     * @param rowSources the tables whose rows make the result rows: named in the top-level FROM and
     *     not on the null-extended side of an outer join
     */
    record Select(String shardSql, Aggregation aggregation, List<SortKey> sortKeys, long limit, long offset,
                  boolean distinct, List<TableRef> tables, List<TableRef> rowSources) implements MultiShardShape {
        public Select {
            sortKeys = List.copyOf(sortKeys);
            tables = List.copyOf(tables);
            rowSources = List.copyOf(rowSources);
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
        /** A grouping value (any expression without aggregates): rows are grouped on all of these. */
        record Key(int shardColumn) implements OutputColumn {
        }

        /** count, sum, min or max of each shard, combined. */
        record Aggregate(AggregateKind kind, int shardColumn) implements OutputColumn {
        }

        /** avg, sent to the shards as sum and count. */
        record Average(int sumColumn, int countColumn, String name) implements OutputColumn {
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
