package dev.shardgate.meta;

import java.util.List;

/** One column of a relation's distribution key and the hash that turns its values into keys. */
public record DistributionKeyColumn(String column, HashFunction hash) implements DistributionKeyEntry {

    public DistributionKeyColumn {
        MetadataException.requireName(column, "distribution key column");
        if (hash == null) {
            hash = HashFunction.IDENT;
        }
    }

    public static DistributionKeyColumn of(String column) {
        return new DistributionKeyColumn(column, HashFunction.IDENT);
    }

    @Override
    public List<String> valueColumns() {
        return List.of(column);
    }
}
