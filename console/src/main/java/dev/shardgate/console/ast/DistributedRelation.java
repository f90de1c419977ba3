package dev.shardgate.console.ast;

import java.util.List;
import java.util.Optional;

/** A relation, the key entries (columns or routing expressions), in key order, whose values route its rows, and its AUTO INCREMENT clause if any. */
public record DistributedRelation(RelationName name, List<KeyEntry> distributionKey,
                                  Optional<AutoIncrement> autoIncrement) {
    public DistributedRelation {
        distributionKey = List.copyOf(distributionKey);
    }

    public DistributedRelation(RelationName name, List<KeyEntry> distributionKey) {
        this(name, distributionKey, Optional.empty());
    }
}
