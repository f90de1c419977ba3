package dev.shardgate.meta;

import java.util.List;

/**
 * SPQR's "unique index" on a distributed relation's columns, kept as metadata only: nothing
 * enforces it across shards here. Each shard's own PostgreSQL unique index enforces uniqueness
 * within the shard; across shards a value is unique only where the columns contain the whole
 * distribution key.
 */
public record UniqueIndex(String id, QualifiedName relation, List<Column> columns) {

    public UniqueIndex {
        MetadataException.requireName(id, "unique index id");
        if (relation == null) {
            throw new MetadataException(MetadataException.INVALID_NAME, "relation name must not be empty");
        }
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new MetadataException(MetadataException.INVALID_TABLE_DEFINITION,
                    "unique index " + MetadataException.quote(id) + " needs at least one column");
        }
    }

    /** A column and the type its values are compared as. */
    public record Column(String name, ColumnType type) {
    }
}
