package dev.shardgate.meta;

import static dev.shardgate.meta.MetadataAssertions.assertRefused;
import static dev.shardgate.meta.MetadataAssertions.bound;
import static dev.shardgate.meta.MetadataAssertions.sample;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.meta.MetadataChange.AttachRelation;
import dev.shardgate.meta.MetadataChange.CreateDistribution;
import dev.shardgate.meta.MetadataChange.CreateKeyRange;
import dev.shardgate.meta.MetadataChange.CreateReferenceRelation;
import dev.shardgate.meta.MetadataChange.CreateShard;
import dev.shardgate.meta.MetadataChange.DetachRelation;
import dev.shardgate.meta.MetadataChange.DropDistribution;
import dev.shardgate.meta.MetadataChange.DropReferenceRelation;
import dev.shardgate.meta.MetadataChange.DropShard;
import dev.shardgate.meta.MetadataChange.LockKeyRange;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TopologyChangesTest {
    private final Metadata metadata = sample();

    private static DistributedRelation relation(String name, String distributionId, DistributionKeyColumn... columns) {
        return new DistributedRelation(QualifiedName.parse(name), distributionId, List.of(columns));
    }

    @Test
    void createsShard() {
        Metadata after = metadata.apply(new CreateShard(new Shard("sh4", List.of("db4:5432"))));
        assertThat(after.shard("sh4")).contains(new Shard("sh4", List.of("db4:5432")));
        assertThat(metadata.shard("sh4")).isEmpty();
    }

    @Test
    void refusesDuplicateShard() {
        assertRefused(() -> metadata.apply(new CreateShard(new Shard("sh1", List.of()))),
                "42710", "shard \"sh1\" already exists");
    }

    @Test
    void refusesMalformedHost() {
        assertRefused(() -> new Shard("sh9", List.of("db9")), "22023",
                "invalid host \"db9\" for shard \"sh9\": expected host:port with a port from 1 to 65535");
        assertRefused(() -> new Shard("sh9", List.of("db9:70000")), "22023",
                "invalid host \"db9:70000\" for shard \"sh9\": expected host:port with a port from 1 to 65535");
    }

    @Test
    void dropsUnusedShard() {
        assertThat(metadata.apply(new DropShard("sh3")).shard("sh3")).isEmpty();
    }

    @Test
    void refusesDropOfUnknownShard() {
        assertRefused(() -> metadata.apply(new DropShard("sh9")), "42704", "shard \"sh9\" does not exist");
    }

    @Test
    void refusesDropOfShardStillInUse() {
        assertRefused(() -> metadata.apply(new DropShard("sh1")), "2BP01",
                "cannot drop shard \"sh1\" because other objects depend on it: key range \"kr1\", key range \"kr2\"");
        Metadata withUsers = metadata.apply(List.of(
                new CreateDistribution(new Distribution("ds3", List.of(ColumnType.UUID), Optional.of("sh3"))),
                new CreateReferenceRelation(new ReferenceRelation(QualifiedName.of("countries"), List.of("sh3")))));
        assertRefused(() -> withUsers.apply(new DropShard("sh3")), "2BP01",
                "cannot drop shard \"sh3\" because other objects depend on it: distribution \"ds3\" (default shard),"
                        + " reference relation \"public.countries\"");
    }

    @Test
    void createsDistributionWithDefaultShard() {
        Distribution ds3 = new Distribution("ds3", List.of(ColumnType.UUID, ColumnType.INTEGER), Optional.of("sh3"));
        Metadata after = metadata.apply(new CreateDistribution(ds3));
        assertThat(after.distribution("ds3")).contains(ds3);
        assertThat(after.index("ds3").isEmpty()).isTrue();
    }

    @Test
    void refusesBadDistributions() {
        assertRefused(() -> metadata.apply(new CreateDistribution(new Distribution("ds1", List.of(ColumnType.INTEGER)))),
                "42710", "distribution \"ds1\" already exists");
        assertRefused(() -> metadata.apply(new CreateDistribution(
                        new Distribution("ds3", List.of(ColumnType.INTEGER), Optional.of("sh9")))),
                "42704", "shard \"sh9\" does not exist");
        assertRefused(() -> new Distribution("ds3", List.of()), "42P16",
                "distribution \"ds3\" needs at least one column type");
    }

    @Test
    void dropsEmptyDistribution() {
        assertThat(metadata.apply(new DropDistribution("ds2", false)).distribution("ds2")).isEmpty();
    }

    @Test
    void refusesDropOfUnknownDistribution() {
        assertRefused(() -> metadata.apply(new DropDistribution("ds9", true)), "42704", "distribution \"ds9\" does not exist");
    }

    @Test
    void refusesDropOfUsedDistributionWithoutCascade() {
        assertRefused(() -> metadata.apply(new DropDistribution("ds1", false)), "2BP01",
                "cannot drop distribution \"ds1\" because other objects depend on it: relation \"public.orders\","
                        + " key range \"kr1\", key range \"kr2\", key range \"kr3\"; use CASCADE to drop them too");
    }

    @Test
    void cascadeDropsRelationsAndRanges() {
        Metadata after = metadata.apply(new DropDistribution("ds1", true));
        assertThat(after.distribution("ds1")).isEmpty();
        assertThat(after.relations()).isEmpty();
        assertThat(after.keyRanges()).isEmpty();
        assertThat(after.apply(new DropShard("sh1")).shards()).containsOnlyKeys("sh2", "sh3");
    }

    @Test
    void cascadeRefusesLockedRanges() {
        Metadata locked = metadata.apply(new LockKeyRange("kr2"));
        assertRefused(() -> locked.apply(new DropDistribution("ds1", true)), "55006",
                "cannot drop distribution \"ds1\" because key ranges are locked: \"kr2\"");
    }

    @Test
    void attachesRelation() {
        DistributedRelation users = relation("sales.users", "ds2", new DistributionKeyColumn("email", HashFunction.MURMUR));
        Metadata after = metadata.apply(new AttachRelation(users));
        assertThat(after.relation(new QualifiedName("sales", "users"))).contains(users);
        assertThat(after.relation(QualifiedName.of("users"))).isEmpty();
        assertThat(after.relationsOf("ds2")).containsExactly(users);
    }

    @Test
    void unqualifiedNamesMeanPublic() {
        assertThat(metadata.relation(QualifiedName.parse("public.orders"))).isPresent();
        assertThat(metadata.relation(QualifiedName.of("orders"))).isPresent();
    }

    @Test
    void refusesRelationAttachedTwice() {
        assertRefused(() -> metadata.apply(new AttachRelation(relation("public.orders", "ds1", DistributionKeyColumn.of("id")))),
                "42710", "relation \"public.orders\" is already attached to distribution \"ds1\"");
    }

    @Test
    void refusesRelationOfUnknownDistribution() {
        assertRefused(() -> metadata.apply(new AttachRelation(relation("items", "ds9", DistributionKeyColumn.of("id")))),
                "42704", "distribution \"ds9\" does not exist");
    }

    @Test
    void refusesKeyColumnCountMismatch() {
        assertRefused(() -> metadata.apply(new AttachRelation(relation("items", "ds1",
                        DistributionKeyColumn.of("a"), DistributionKeyColumn.of("b")))),
                "42P16", "relation \"public.items\" has 2 distribution key columns but distribution \"ds1\" has 1 column type");
    }

    @Test
    void refusesHashFunctionThatDoesNotFitTheColumnType() {
        assertRefused(() -> metadata.apply(new AttachRelation(relation("items", "ds1",
                        new DistributionKeyColumn("id", HashFunction.MURMUR)))),
                "42P16", "column \"id\" of relation \"public.items\" cannot use hash function murmur:"
                        + " column 1 of distribution \"ds1\" is integer");
        assertRefused(() -> metadata.apply(new AttachRelation(relation("items", "ds2", DistributionKeyColumn.of("id")))),
                "42P16", "column \"id\" of relation \"public.items\" needs hash function murmur or city:"
                        + " column 1 of distribution \"ds2\" is varchar hash");
    }

    @Test
    void detachesRelation() {
        assertThat(metadata.apply(new DetachRelation(QualifiedName.of("orders"))).relations()).isEmpty();
    }

    @Test
    void refusesDetachOfUnknownRelation() {
        assertRefused(() -> metadata.apply(new DetachRelation(QualifiedName.parse("s.t"))), "42P01",
                "relation \"s.t\" is not attached to any distribution");
    }

    @Test
    void createsAndDropsReferenceRelation() {
        ReferenceRelation countries = new ReferenceRelation(QualifiedName.of("countries"), List.of());
        Metadata after = metadata.apply(new CreateReferenceRelation(countries));
        assertThat(after.referenceRelation(QualifiedName.of("countries"))).contains(countries);
        assertThat(countries.isOnAllShards()).isTrue();
        assertThat(after.apply(new DropReferenceRelation(QualifiedName.of("countries"))).referenceRelations()).isEmpty();
    }

    @Test
    void refusesBadReferenceRelations() {
        assertRefused(() -> metadata.apply(new CreateReferenceRelation(
                        new ReferenceRelation(QualifiedName.of("orders"), List.of()))),
                "42710", "relation \"public.orders\" is already attached to distribution \"ds1\"");
        assertRefused(() -> metadata.apply(new CreateReferenceRelation(
                        new ReferenceRelation(QualifiedName.of("countries"), List.of("sh1", "sh9")))),
                "42704", "shard \"sh9\" does not exist");
        Metadata withCountries = metadata.apply(new CreateReferenceRelation(
                new ReferenceRelation(QualifiedName.of("countries"), List.of())));
        assertRefused(() -> withCountries.apply(new CreateReferenceRelation(
                        new ReferenceRelation(QualifiedName.of("countries"), List.of()))),
                "42710", "relation \"public.countries\" is already a reference relation");
        assertRefused(() -> withCountries.apply(new AttachRelation(relation("countries", "ds1", DistributionKeyColumn.of("id")))),
                "42710", "relation \"public.countries\" is already a reference relation");
        assertRefused(() -> metadata.apply(new DropReferenceRelation(QualifiedName.of("countries"))),
                "42P01", "reference relation \"public.countries\" does not exist");
    }

    @Test
    void batchIsAllOrNothing() {
        List<MetadataChange> batch = List.of(
                new CreateShard(new Shard("sh4", List.of())),
                new CreateKeyRange(new KeyRange("kr4", bound(300), "sh4", "ds1")),
                new CreateKeyRange(new KeyRange("kr5", bound(300), "sh4", "ds1")));
        assertRefused(() -> metadata.apply(batch), "42710",
                "key range \"kr5\" has the same lower bound 300 as key range \"kr4\"");
        assertThat(metadata).isEqualTo(sample());
        assertThat(metadata.shard("sh4")).isEmpty();
        assertThat(metadata.index("ds1").size()).isEqualTo(3);
    }

    @Test
    void asChangesRebuildsTheSnapshot() {
        Metadata rich = metadata.apply(List.of(
                new LockKeyRange("kr2"),
                new CreateReferenceRelation(new ReferenceRelation(QualifiedName.of("countries"), List.of("sh2")))));
        Metadata rebuilt = Metadata.empty().apply(rich.asChanges());
        assertThat(rebuilt).isEqualTo(rich);
        assertThat(rebuilt.index("ds1").ranges()).isEqualTo(rich.index("ds1").ranges());
    }
}
