package dev.shardgate.meta;

import java.util.List;

/**
 * A table sharded by a distribution: each row lives on the shard of the key range its key columns
 * fall into. Key columns match the distribution's column types one for one.
 */
public record DistributedRelation(QualifiedName name, String distributionId, List<DistributionKeyColumn> keyColumns) {

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
    }
}
