package dev.shardgate.meta;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A table sharded by a distribution: each row lives on the shard of the key range its key columns
 * fall into. Key entries match the distribution's column types one for one: each is a column or a
 * routing expression over several columns.
 *
 * @param autoIncrement the columns the router fills from sequences when an INSERT leaves them out;
 *                      each column once
 */
public record DistributedRelation(QualifiedName name, String distributionId, List<DistributionKeyEntry> keyColumns,
                                  List<AutoIncrementColumn> autoIncrement) {

    public DistributedRelation {
        if (name == null) {
            throw new MetadataException(MetadataException.INVALID_NAME, "relation name must not be empty");
        }
        MetadataException.requireName(distributionId, "distribution id");
        keyColumns = List.copyOf(keyColumns);
        if (keyColumns.isEmpty()) {
            throw new MetadataException(MetadataException.INVALID_TABLE_DEFINITION,
                    "relation " + MetadataException.quote(name.toString()) + " needs at least one distribution key column");
        }
        autoIncrement = List.copyOf(autoIncrement);
        AutoIncrementColumn.requireDistinct(name, autoIncrement);
    }

    /** A relation without auto-increment columns. */
    public DistributedRelation(QualifiedName name, String distributionId, List<DistributionKeyEntry> keyColumns) {
        this(name, distributionId, keyColumns, List.of());
    }

    /**
     * The columns whose values make the key, in order: each key column, and each column of a
     * routing expression in the expression's order. Routing finds a value for each of these.
     */
    public List<String> valueColumns() {
        if (keyColumns.size() == 1) {
            return keyColumns.getFirst().valueColumns(); // the common case, on every routed statement
        }
        List<String> columns = new ArrayList<>();
        for (DistributionKeyEntry entry : keyColumns) {
            columns.addAll(entry.valueColumns());
        }
        return List.copyOf(columns);
    }

    /** How many {@link #valueColumns()} there are, without building the list. */
    public int valueColumnCount() {
        int count = 0;
        for (DistributionKeyEntry entry : keyColumns) {
            count += entry instanceof RoutingExpression expression ? expression.valueColumns().size() : 1;
        }
        return count;
    }

    /** Whether some key entry is a routing expression. */
    public boolean hasRoutingExpression() {
        for (DistributionKeyEntry entry : keyColumns) {
            if (entry instanceof RoutingExpression) {
                return true;
            }
        }
        return false;
    }

    public Optional<AutoIncrementColumn> autoIncrement(String column) {
        return autoIncrement.stream().filter(c -> c.column().equals(column)).findFirst();
    }

    /**
     * The sequence that fills {@code column}: {@code <relation>_<column>} as SPQR names it, with
     * the schema in front when it is not {@code public} ({@code sales.orders_id}).
     */
    public String sequenceName(AutoIncrementColumn column) {
        return column.sequenceName(name);
    }
}
