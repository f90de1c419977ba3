package dev.shardgate.router.route;

import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.ReferenceRelation;
import dev.shardgate.sql.Placement;

import java.util.Collection;
import java.util.Optional;

/** Where the metadata puts the rows of the tables a statement names, for the co-location analysis. */
public final class Placements {
    private Placements() {
    }

    /**
     * Distributed relations with their distribution, key columns and hashes; reference relations
     * that are on every one of {@code shards}; anything else (views, unknown tables) as other.
     */
    public static Placement.Lookup of(Metadata metadata, Collection<String> shards) {
        return table -> {
            QualifiedName name;
            try {
                name = new QualifiedName(table.schema(), table.name());
            } catch (MetadataException e) {
                return new Placement.Other();
            }
            Optional<DistributedRelation> relation = metadata.relation(name);
            if (relation.isPresent()) {
                DistributedRelation distributed = relation.get();
                return new Placement.Distributed(distributed.distributionId(),
                        distributed.keyColumns().stream().map(DistributionKeyColumn::column).toList(),
                        distributed.keyColumns().stream().map(column -> column.hash().consoleName()).toList());
            }
            Optional<ReferenceRelation> reference = metadata.referenceRelation(name);
            if (reference.isPresent() && (reference.get().isOnAllShards() || reference.get().shardIds().containsAll(shards))) {
                return new Placement.Reference();
            }
            return new Placement.Other();
        };
    }
}
