package dev.shardgate.meta;

import java.util.List;
import java.util.Optional;

/**
 * A sharding scheme: the column types of its keys, and optionally the shard that takes keys no key
 * range covers.
 */
public record Distribution(String id, List<ColumnType> columnTypes, Optional<String> defaultShard) {

    public Distribution {
        MetadataException.requireName(id, "distribution id");
        columnTypes = List.copyOf(columnTypes);
        if (columnTypes.isEmpty()) {
            throw new MetadataException(MetadataException.INVALID_TABLE_DEFINITION,
                    "distribution " + MetadataException.quote(id) + " needs at least one column type");
        }
        if (defaultShard == null) {
            defaultShard = Optional.empty();
        }
    }

    public Distribution(String id, List<ColumnType> columnTypes) {
        this(id, columnTypes, Optional.empty());
    }

    /** Whether a key column is hashed: its key ranges are ranges of hash values, not of keys. */
    public boolean isHashed() {
        return columnTypes.stream().anyMatch(ColumnType::isHashed);
    }

    /** See {@link KeyBound#parse}. */
    public KeyBound parseBound(List<String> texts) {
        return KeyBound.parse(texts, columnTypes, id);
    }
}
