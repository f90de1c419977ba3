package dev.shardgate.bench.meta;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.DistributionKeyColumn;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.KeyValue;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.meta.Shard;
import java.util.ArrayList;
import java.util.List;

/**
 * pgbench_accounts distributed by integer aid over {@code ranges} equal key ranges of
 * {@link #KEYS_PER_RANGE} keys each, spread round-robin over four shards.
 */
public final class AccountsMetadata {
    public static final String DISTRIBUTION = "ds1";
    public static final QualifiedName ACCOUNTS = QualifiedName.of("pgbench_accounts");
    public static final int SHARDS = 4;
    public static final long KEYS_PER_RANGE = 1_000;

    private AccountsMetadata() {
    }

    public static Metadata withRanges(int ranges) {
        List<MetadataChange> changes = new ArrayList<>();
        for (int i = 1; i <= SHARDS; i++) {
            changes.add(new MetadataChange.CreateShard(new Shard("sh" + i, List.of("localhost:" + (5431 + i)))));
        }
        changes.add(new MetadataChange.CreateDistribution(new Distribution(DISTRIBUTION, List.of(ColumnType.INTEGER))));
        changes.add(new MetadataChange.AttachRelation(
                new DistributedRelation(ACCOUNTS, DISTRIBUTION, List.of(DistributionKeyColumn.of("aid")))));
        for (int i = 0; i < ranges; i++) {
            changes.add(new MetadataChange.CreateKeyRange(new KeyRange("kr" + i, key(i * KEYS_PER_RANGE + 1),
                    "sh" + (i % SHARDS + 1), DISTRIBUTION)));
        }
        return Metadata.empty().apply(changes);
    }

    /** The largest aid the ranges cover with keys of their own (the last range is open-ended). */
    public static long lastKey(int ranges) {
        return ranges * KEYS_PER_RANGE;
    }

    public static KeyBound key(long aid) {
        return KeyBound.of(new KeyValue.IntegerValue(aid));
    }
}
