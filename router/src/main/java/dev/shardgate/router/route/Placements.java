package dev.shardgate.router.route;

import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.DistributionKeyEntry;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.ReferenceRelation;
import dev.shardgate.meta.RoutingExpression;
import dev.shardgate.sql.Placement;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
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
                return new Placement.Distributed(distributed.distributionId(), distributed.valueColumns(), hashes(distributed));
            }
            Optional<ReferenceRelation> reference = metadata.referenceRelation(name);
            if (reference.isPresent() && (reference.get().isOnAllShards() || reference.get().shardIds().containsAll(shards))) {
                return new Placement.Reference();
            }
            return new Placement.Other();
        };
    }

    /**
     * How each value column's value becomes part of the key: a key column's hash; for a column of a
     * routing expression, the whole expression's hash and types and the column's place in it, so
     * that equal values in equal places of equal expressions make equal keys.
     */
    private static List<String> hashes(DistributedRelation relation) {
        List<String> hashes = new ArrayList<>();
        for (DistributionKeyEntry entry : relation.keyColumns()) {
            switch (entry) {
                case DistributionKeyColumn column -> hashes.add(column.hash().consoleName());
                case RoutingExpression expression -> {
                    String shape = expression.hash() + " " + expression.valueTypes();
                    for (int i = 0; i < expression.columns().size(); i++) {
                        hashes.add(shape + " #" + i);
                    }
                }
            }
        }
        return hashes;
    }
}
