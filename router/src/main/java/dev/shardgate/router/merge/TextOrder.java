package dev.shardgate.router.merge;

import dev.shardgate.sql.MultiShardShape;
import dev.shardgate.sql.MultiShardShape.Collated;
import dev.shardgate.sql.MultiShardShape.FromScope;
import dev.shardgate.sql.MultiShardShape.OutputColumn;
import dev.shardgate.sql.MultiShardShape.SortKey;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.RowDescription;
import dev.shardgate.wire.SqlState;

import java.util.List;
import java.util.Map;

/**
 * The merger compares text by its bytes (ValueOrder), which is the order PostgreSQL sorts it in only
 * under the C and POSIX collations (PostgreSQL documentation, 24.2 Collation Support): under
 * en_US or ICU collations, {@code 'a' < 'B'}. Before text columns are merged in ORDER BY order or
 * re-aggregated by min and max, this checks that each is known to be in such a collation — from an
 * explicit COLLATE, or from the collations of the columns it is made of and the database default,
 * as each shard's catalog has them — and refuses with 0A000 naming the column and collation otherwise.
 */
public final class TextOrder {
    private static final String UNKNOWN = "unknown";

    private TextOrder() {
    }

    /** True when some comparison of the shape may need the shards' catalogs to be decided. */
    public static boolean needsCatalog(MultiShardShape.Select select) {
        MultiShardShape.Collations collations = select.collations();
        for (int i = 0; i < select.sortKeys().size(); i++) {
            if (collations.sortKey(i).explicit() == null) {
                return true;
            }
        }
        if (select.aggregation() != null) {
            List<OutputColumn> columns = select.aggregation().columns();
            for (int i = 0; i < columns.size(); i++) {
                if (isExtreme(columns.get(i)) && explicitOf(collations.extremes().get(i)) == null) {
                    return true;
                }
            }
        }
        if (select.distinct() && (collations.groupKeys().isEmpty()
                || collations.groupKeys().values().stream().anyMatch(key -> !isC(key.explicit())))) {
            return true;
        }
        for (int column : groupedColumns(select)) {
            if (!isC(explicitOf(collations.groupKeys().get(column)))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The output columns the merge finds equal values of: GROUP BY keys, and every column under
     * DISTINCT (up to the widest index known; with {@code *} the catalog decides them all).
     */
    private static List<Integer> groupedColumns(MultiShardShape.Select select) {
        List<Integer> grouped = new java.util.ArrayList<>();
        if (select.aggregation() != null) {
            List<OutputColumn> columns = select.aggregation().columns();
            for (int i = 0; i < columns.size(); i++) {
                if (select.distinct() || (columns.get(i) instanceof OutputColumn.Key key && key.grouped())) {
                    grouped.add(i);
                }
            }
        } else if (select.distinct()) {
            grouped.add(0); // at least one column; require() looks at each the shards answer with
        }
        return grouped;
    }

    /**
     * 0A000 when a text column the merge compares is not certainly in C order on the shard.
     *
     * @param output the merged columns as the client sees them (after re-aggregation)
     * @param shard the shard's catalog; null when {@link #needsCatalog} said none is needed
     */
    public static void require(MultiShardShape.Select select, RowDescription output, ShardCollations shard) {
        MultiShardShape.Collations collations = select.collations();
        for (int i = 0; i < select.sortKeys().size(); i++) {
            SortKey key = select.sortKeys().get(i);
            int column = key.column() >= 0 ? key.column() : indexOf(output, key.columnName());
            if (column >= 0 && column < output.fields().size()) {
                check(output.fields().get(column), collations.sortKey(i), collations.from(), shard);
            }
        }
        if (select.aggregation() != null) {
            List<OutputColumn> columns = select.aggregation().columns();
            for (int i = 0; i < columns.size() && i < output.fields().size(); i++) {
                if (isExtreme(columns.get(i))) {
                    Collated argument = collations.extremes().getOrDefault(i, Collated.UNKNOWN);
                    check(output.fields().get(i), argument, collations.from(), shard);
                }
            }
        }
        requireDeterministic(select, output, shard);
    }

    /**
     * The merger finds equal text by equal bytes, which is the collation's equality only for a
     * deterministic collation (PostgreSQL documentation, 24.2.2.4 Nondeterministic Collations: under
     * one, {@code 'a'} may equal {@code 'A'}). A grouped or DISTINCT text column whose collation is
     * nondeterministic, or cannot be told while the shard has nondeterministic collations, is refused.
     */
    private static void requireDeterministic(MultiShardShape.Select select, RowDescription output, ShardCollations shard) {
        boolean everyColumn = select.distinct();
        List<Integer> grouped = everyColumn ? java.util.stream.IntStream.range(0, output.fields().size()).boxed().toList()
                : groupedColumns(select);
        MultiShardShape.Collations collations = select.collations();
        for (int column : grouped) {
            if (column >= output.fields().size() || !isCollatable(output.fields().get(column).typeOid())) {
                continue;
            }
            Collated collated = collations.groupKeys().getOrDefault(column, Collated.UNKNOWN);
            if (isC(collated.explicit())) {
                continue;
            }
            String collation = nondeterministicOf(collated, collations.from(), shard);
            if (collation != null) {
                String where = shard == null ? "" : " on shard \"" + shard.shard() + "\"";
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "column \"" + output.fields().get(column).name()
                        + "\" is grouped in collation \"" + collation + "\"" + where + ", which may be nondeterministic:"
                        + " the router cannot find its equal values from several shards, as it compares text by bytes"
                        + " (write COLLATE \"C\" to group by bytes)");
            }
        }
    }

    /** The nondeterministic collation of the expression, {@code unknown} when it cannot be told; null when deterministic. */
    private static String nondeterministicOf(Collated collated, FromScope from, ShardCollations shard) {
        if (shard == null) {
            return UNKNOWN;
        }
        if (shard.nondeterministic().isEmpty()) {
            return null; // no collation of the shard's database can find different bytes equal
        }
        if (collated.explicit() != null) {
            return shard.nondeterministic().contains(collated.explicit()) ? collated.explicit() : null;
        }
        if (collated.opaque()) {
            return UNKNOWN;
        }
        for (String nested : collated.nested()) {
            if (shard.nondeterministic().contains(nested)) {
                return nested;
            }
        }
        for (List<String> reference : collated.columns()) {
            String column = columnCollation(reference, from, shard);
            if (column.equals(UNKNOWN) || shard.nondeterministic().contains(column)) {
                return column;
            }
        }
        return null;
    }

    private static void check(RowDescription.Field field, Collated collated, FromScope from, ShardCollations shard) {
        if (!isCollatable(field.typeOid())) {
            return;
        }
        String collation = collationOf(collated, from, shard);
        if (!collation.equals(ShardCollations.C)) {
            String where = shard == null ? "" : " on shard \"" + shard.shard() + "\"";
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "column \"" + field.name() + "\" is compared in collation \""
                    + collation + "\"" + where + ", whose order the router cannot merge from several shards;"
                    + " only C and POSIX order text by its bytes (write COLLATE \"C\" to sort by bytes)");
        }
    }

    /** {@link ShardCollations#C} when the expression surely sorts by bytes; else what it sorts in, as far as known. */
    static String collationOf(Collated collated, FromScope from, ShardCollations shard) {
        if (collated == null) {
            return UNKNOWN;
        }
        if (collated.explicit() != null) {
            return isC(collated.explicit()) ? ShardCollations.C : collated.explicit();
        }
        if (collated.opaque() || shard == null) {
            return UNKNOWN;
        }
        for (String nested : collated.nested()) {
            if (!isC(nested)) {
                return nested;
            }
        }
        if (collated.plainColumn()) {
            String column = columnCollation(collated.columns().getFirst(), from, shard);
            return column.equals(ShardCollations.DEFAULT) ? shard.databaseDefault() : column;
        }
        // a computed value takes its columns' implicit collation, or the default (function results, casts)
        if (!shard.databaseDefault().equals(ShardCollations.C)) {
            return shard.databaseDefault();
        }
        for (List<String> reference : collated.columns()) {
            String column = columnCollation(reference, from, shard);
            if (!column.equals(ShardCollations.C) && !column.equals(ShardCollations.DEFAULT)
                    && !column.equals(ShardCollations.NOT_COLLATABLE)) {
                return column;
            }
        }
        return ShardCollations.C;
    }

    /**
     * The collation of the column a reference names, found among the FROM relations: a bare name in
     * every relation that has such a column (all must agree on C), a qualified one in the relation of
     * that alias or name.
     */
    private static String columnCollation(List<String> reference, FromScope from, ShardCollations shard) {
        String name = reference.getLast();
        List<String> qualifier = reference.subList(0, reference.size() - 1);
        if (qualifier.isEmpty() && from.otherSources()) {
            return UNKNOWN;
        }
        String found = null;
        int matches = 0;
        for (int r = 0; r < from.relations().size(); r++) {
            boolean named = qualifier.isEmpty() || ShardCollations.names(from.relations().get(r), qualifier);
            if (!named) {
                continue;
            }
            Map<String, String> columns = shard.columnsOf(r);
            if (columns == null) {
                return UNKNOWN;
            }
            String collation = columns.get(name);
            if (collation == null) {
                continue;
            }
            matches++;
            found = found == null || found.equals(ShardCollations.C) ? collation : found;
        }
        if (found == null || (!qualifier.isEmpty() && matches != 1)) {
            return UNKNOWN; // an outer or output column, or a source the router did not look up
        }
        return found;
    }

    private static boolean isC(String collation) {
        if (collation == null) {
            return false;
        }
        return switch (collation) {
            case "C", "POSIX", "pg_catalog.C", "pg_catalog.POSIX" -> true;
            default -> false;
        };
    }

    private static boolean isCollatable(int typeOid) {
        return switch (typeOid) {
            case TypeOids.TEXT, TypeOids.VARCHAR, TypeOids.BPCHAR, TypeOids.NAME -> true;
            default -> false;
        };
    }

    private static boolean isExtreme(OutputColumn column) {
        return column instanceof OutputColumn.Aggregate aggregate
                && (aggregate.kind() == MultiShardShape.AggregateKind.MIN || aggregate.kind() == MultiShardShape.AggregateKind.MAX);
    }

    private static String explicitOf(Collated collated) {
        return collated == null ? null : collated.explicit();
    }

    private static int indexOf(RowDescription output, String name) {
        for (int i = 0; i < output.fields().size(); i++) {
            if (output.fields().get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
