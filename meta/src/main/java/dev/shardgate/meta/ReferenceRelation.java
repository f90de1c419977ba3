package dev.shardgate.meta;

import java.util.List;

/**
 * A table copied in full to several shards; an empty shard list means every shard.
 *
 * @param autoIncrement the columns the router fills from sequences when an INSERT leaves them out
 *                      (SPQR's {@code CREATE REFERENCE TABLE r AUTO INCREMENT id}): every shard's copy
 *                      gets the same value; each column once
 */
public record ReferenceRelation(QualifiedName name, List<String> shardIds, List<AutoIncrementColumn> autoIncrement) {

    public ReferenceRelation {
        if (name == null) {
            throw new MetadataException(MetadataException.INVALID_NAME, "relation name must not be empty");
        }
        shardIds = List.copyOf(shardIds);
        autoIncrement = List.copyOf(autoIncrement);
        AutoIncrementColumn.requireDistinct(name, autoIncrement);
    }

    /** A reference relation without auto-increment columns. */
    public ReferenceRelation(QualifiedName name, List<String> shardIds) {
        this(name, shardIds, List.of());
    }

    public boolean isOnAllShards() {
        return shardIds.isEmpty();
    }

    /** The sequence that fills {@code column} (see {@link AutoIncrementColumn#sequenceName}). */
    public String sequenceName(AutoIncrementColumn column) {
        return column.sequenceName(name);
    }
}
