package dev.shardgate.console.ast;

import java.util.List;

/** A relation and the columns, in key order, whose values route its rows. */
public record DistributedRelation(RelationName name, List<DistributionKeyColumn> distributionKey) {
    public DistributedRelation {
        distributionKey = List.copyOf(distributionKey);
    }
}
