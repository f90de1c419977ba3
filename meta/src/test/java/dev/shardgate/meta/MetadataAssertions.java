package dev.shardgate.meta;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Fixtures and the one assertion the change tests share. */
final class MetadataAssertions {
    private MetadataAssertions() {
    }

    static void assertRefused(ThrowingCallable call, String sqlState, String message) {
        assertThatThrownBy(call)
                .isInstanceOf(MetadataException.class)
                .hasMessage(message)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((MetadataException) e).sqlState())
                        .as("SQLSTATE of: " + e.getMessage()).isEqualTo(sqlState));
    }

    static KeyBound bound(long... values) {
        return new KeyBound(java.util.Arrays.stream(values).mapToObj(v -> (KeyValue) KeyValue.integer(v)).toList());
    }

    /**
     * Shards sh1, sh2, sh3; distribution ds1 (integer) with ranges kr1 [0, 100) and kr2 [100, 200)
     * on sh1 and kr3 [200, ...) on sh2, relation public.orders; distribution ds2 (varchar hash),
     * no ranges.
     */
    static Metadata sample() {
        return Metadata.empty().apply(List.of(
                new MetadataChange.CreateShard(new Shard("sh1", List.of("db1:5432"))),
                new MetadataChange.CreateShard(new Shard("sh2", List.of("db2:5432", "[::1]:6432"))),
                new MetadataChange.CreateShard(new Shard("sh3", List.of())),
                new MetadataChange.CreateDistribution(new Distribution("ds1", List.of(ColumnType.INTEGER))),
                new MetadataChange.CreateDistribution(new Distribution("ds2", List.of(ColumnType.VARCHAR_HASH))),
                new MetadataChange.AttachRelation(new DistributedRelation(QualifiedName.of("orders"), "ds1",
                        List.of(DistributionKeyColumn.of("id")))),
                new MetadataChange.CreateKeyRange(new KeyRange("kr1", bound(0), "sh1", "ds1")),
                new MetadataChange.CreateKeyRange(new KeyRange("kr2", bound(100), "sh1", "ds1")),
                new MetadataChange.CreateKeyRange(new KeyRange("kr3", bound(200), "sh2", "ds1"))));
    }
}
