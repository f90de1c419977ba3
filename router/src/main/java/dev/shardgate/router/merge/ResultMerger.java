package dev.shardgate.router.merge;

import dev.shardgate.sql.MultiShardShape;
import dev.shardgate.sql.MultiShardShape.OutputColumn;
import dev.shardgate.sql.MultiShardShape.SortKey;
import dev.shardgate.wire.ClientEncoding;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.RowDescription;
import dev.shardgate.wire.SqlState;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Makes the rows of several shards into the result one server holding all rows would give, for a
 * SELECT of a {@link MultiShardShape.Select} shape: concatenated, or merged in ORDER BY order, or
 * re-aggregated per group; then DISTINCT, OFFSET and LIMIT. Plain and ordered results stream with
 * one row per shard in memory; aggregated ones hold one row per group.
 */
public final class ResultMerger {
    private final MultiShardShape.Select shape;
    /** The merged columns, hidden ones included. */
    private final RowDescription columns;
    /** What the client is told of: the merged columns without the hidden ones at their end. */
    private final RowDescription visible;
    private final Comparator<byte[][]> order;
    private final List<Supplier<Total>> totals;
    /** The shard columns GROUP BY names, and their equality; empty without GROUP BY (one group). */
    private final int[] groupColumns;
    private final List<Function<byte[], Object>> groupEqualities = new ArrayList<>();
    /** The equality of every output column, for DISTINCT; null without DISTINCT. */
    private final List<Function<byte[], Object>> distinctEqualities;

    /** Checks that the shards' columns can be merged as the shape asks: 0A000 when they cannot. */
    public ResultMerger(MultiShardShape.Select shape, RowDescription shardColumns) {
        this(shape, shardColumns, ClientEncoding.UTF8);
    }

    /** @param encoding the client's encoding, which the shards send text values in */
    public ResultMerger(MultiShardShape.Select shape, RowDescription shardColumns, ClientEncoding encoding) {
        this.shape = shape;
        if (shape.aggregation() == null) {
            this.columns = shardColumns;
            this.totals = null;
            this.groupColumns = new int[0];
        } else {
            List<RowDescription.Field> fields = new ArrayList<>();
            List<Supplier<Total>> factories = new ArrayList<>();
            int expected = 0;
            List<Integer> grouped = new ArrayList<>();
            for (OutputColumn column : shape.aggregation().columns()) {
                expected += column instanceof OutputColumn.Average ? 3 : 1;
                if (column instanceof OutputColumn.Key key && key.grouped()) {
                    grouped.add(key.shardColumn());
                }
            }
            if (expected != shardColumns.fields().size()) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "shards answered " + shardColumns.fields().size()
                        + " columns where the router expected " + expected + ": the query cannot be merged");
            }
            for (OutputColumn column : shape.aggregation().columns()) {
                fields.add(Total.field(column, shardColumns));
                factories.add(Total.factory(column, shardColumns, encoding));
            }
            this.columns = new RowDescription(fields);
            this.totals = factories;
            this.groupColumns = grouped.stream().mapToInt(Integer::intValue).toArray();
            for (int column : groupColumns) {
                RowDescription.Field field = shardColumns.fields().get(column);
                groupEqualities.add(ValueEquality.of(field.typeOid(), field.name()));
            }
        }
        int shown = columns.fields().size() - shape.hiddenColumns();
        if (shown < 0) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "shards answered " + columns.fields().size()
                    + " columns where the router expected at least " + shape.hiddenColumns() + ": the query cannot be merged");
        }
        this.visible = shape.hiddenColumns() == 0 ? columns : new RowDescription(columns.fields().subList(0, shown));
        if (shape.distinct()) {
            // over the selected columns only: a hidden GROUP BY key makes groups, not distinct rows
            distinctEqualities = new ArrayList<>();
            for (RowDescription.Field field : visible.fields()) {
                distinctEqualities.add(ValueEquality.of(field.typeOid(), field.name()));
            }
        } else {
            distinctEqualities = null;
        }
        this.order = rowOrder(shape.sortKeys(), columns, encoding);
    }

    /** The columns the client is told of. */
    public RowDescription columns() {
        return visible;
    }

    /** The columns the merge compares, hidden ones (ORDER BY and GROUP BY items not selected) included at the end. */
    public RowDescription mergedColumns() {
        return columns;
    }

    /** The merged rows, read from the shards' rows as the client takes them. */
    public RowSource merge(List<RowSource> shards) throws IOException {
        RowSource rows;
        if (totals != null) {
            List<byte[][]> groups = aggregate(new Concatenation(shards));
            if (order != null) {
                groups.sort(order);
            }
            rows = RowSource.of(groups);
        } else {
            rows = order == null ? new Concatenation(shards) : new OrderedMerge(shards, order);
        }
        if (distinctEqualities != null) {
            rows = distinct(rows, distinctEqualities);
        }
        return withoutHidden(window(rows, shape.offset(), shape.limit()), visible.fields().size(), shape.hiddenColumns());
    }

    /** The rows without their last {@code hidden} columns, which only the merge needed. */
    private static RowSource withoutHidden(RowSource rows, int shown, int hidden) {
        if (hidden == 0) {
            return rows;
        }
        return () -> {
            byte[][] row = rows.next();
            return row == null ? null : java.util.Arrays.copyOf(row, shown);
        };
    }

    private List<byte[][]> aggregate(RowSource rows) throws IOException {
        Map<RowKey, Total[]> groups = new LinkedHashMap<>();
        byte[][] row;
        while ((row = rows.next()) != null) {
            Total[] group = groups.computeIfAbsent(RowKey.of(row, groupColumns, groupEqualities), ignored -> {
                Total[] fresh = new Total[totals.size()];
                for (int i = 0; i < fresh.length; i++) {
                    fresh[i] = totals.get(i).get();
                }
                return fresh;
            });
            for (Total total : group) {
                total.add(row);
            }
        }
        List<byte[][]> result = new ArrayList<>(groups.size());
        for (Total[] group : groups.values()) {
            byte[][] out = new byte[group.length][];
            for (int i = 0; i < group.length; i++) {
                out[i] = group[i].result();
            }
            result.add(out);
        }
        return result;
    }

    /** DISTINCT: the first of equal rows (equal by each column type's equality); holds each distinct row seen. */
    private static RowSource distinct(RowSource rows, List<Function<byte[], Object>> equalities) {
        Set<RowKey> seen = new HashSet<>();
        int[] all = IntStream.range(0, equalities.size()).toArray();
        return () -> {
            byte[][] row;
            while ((row = rows.next()) != null) {
                if (seen.add(RowKey.of(row, all, equalities))) {
                    return row;
                }
            }
            return null;
        };
    }

    /** OFFSET and LIMIT (-1: none); stops reading the shards once the limit is reached. */
    private static RowSource window(RowSource rows, long offset, long limit) {
        long[] skipped = {0};
        long[] sent = {0};
        return () -> {
            if (limit >= 0 && sent[0] >= limit) {
                return null;
            }
            while (skipped[0] < offset) {
                if (rows.next() == null) {
                    return null;
                }
                skipped[0]++;
            }
            byte[][] row = rows.next();
            if (row != null) {
                sent[0]++;
            }
            return row;
        };
    }

    /** The ORDER BY as a row comparator over {@code columns}; null when there is none. */
    private static Comparator<byte[][]> rowOrder(List<SortKey> keys, RowDescription columns, ClientEncoding encoding) {
        Comparator<byte[][]> order = null;
        for (SortKey key : keys) {
            int column = key.column() >= 0 ? key.column() : columnNamed(columns, key.columnName());
            if (column >= columns.fields().size()) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "ORDER BY column " + (column + 1)
                        + " is not among the " + columns.fields().size() + " columns the shards answered");
            }
            RowDescription.Field field = columns.fields().get(column);
            Comparator<byte[]> values = ValueOrder.of(field.typeOid(), field.name(), encoding);
            if (key.descending()) {
                values = values.reversed();
            }
            Comparator<byte[]> withNulls = key.nullsFirst() ? Comparator.nullsFirst(values) : Comparator.nullsLast(values);
            Comparator<byte[][]> byKey = (a, b) -> withNulls.compare(a[column], b[column]);
            order = order == null ? byKey : order.thenComparing(byKey);
        }
        return order;
    }

    private static int columnNamed(RowDescription columns, String name) {
        int found = -1;
        for (int i = 0; i < columns.fields().size(); i++) {
            if (columns.fields().get(i).name().equals(name)) {
                if (found >= 0) {
                    throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "ORDER BY \"" + name
                            + "\" is ambiguous among the columns of SELECT *: name the column in the select list");
                }
                found = i;
            }
        }
        if (found < 0) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "ORDER BY \"" + name
                    + "\" must be a column of the select list of a multi-shard query");
        }
        return found;
    }
}
