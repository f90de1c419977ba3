package dev.shardgate.meta;

import static dev.shardgate.meta.MetadataAssertions.assertRefused;
import static dev.shardgate.meta.MetadataAssertions.bound;
import static dev.shardgate.meta.MetadataAssertions.sample;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.meta.MetadataChange.AttachRelation;
import dev.shardgate.meta.MetadataChange.CreateDistribution;
import dev.shardgate.meta.MetadataChange.CreateKeyRange;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RoutingTest {

    @Test
    void keysBelowEveryRangeGoToTheDefaultShardOrNowhere() {
        Metadata metadata = sample();
        assertThat(metadata.shardFor("ds1", bound(-1))).isEmpty();
        assertThat(metadata.index("ds1").rangeFor(bound(-1))).isEmpty();
        Metadata withDefault = metadata.apply(List.of(
                new CreateDistribution(new Distribution("ds3", List.of(ColumnType.INTEGER), Optional.of("sh3"))),
                new CreateKeyRange(new KeyRange("kr9", bound(10), "sh1", "ds3"))));
        assertThat(withDefault.shardFor("ds3", bound(9))).contains("sh3");
        assertThat(withDefault.shardFor("ds3", bound(10))).contains("sh1");
        assertRefused(() -> metadata.shardFor("ds9", bound(1)), "42704", "distribution \"ds9\" does not exist");
    }

    @Test
    void routesARelationsRawAndTextValues() {
        Metadata metadata = sample();
        DistributedRelation orders = metadata.relation(QualifiedName.of("orders")).orElseThrow();
        assertThat(metadata.routingKey(orders, List.of(150L))).isEqualTo(bound(150));
        assertThat(metadata.routingKey(orders, List.of(150))).isEqualTo(bound(150));
        assertThat(metadata.routingKeyFromText(orders, List.of(" 150 "))).isEqualTo(bound(150));
        assertThat(metadata.shardFor("ds1", metadata.routingKeyFromText(orders, List.of("250")))).contains("sh2");
        assertRefused(() -> metadata.routingKeyFromText(orders, List.of("abc")), "22P02",
                "invalid input syntax for type bigint: \"abc\"");
        assertRefused(() -> metadata.routingKey(orders, List.of("150")), "42804",
                "a value of Java type String cannot be a key of column type integer");
        assertRefused(() -> metadata.routingKey(orders, List.of(1L, 2L)), "42804",
                "relation \"public.orders\" has 1 distribution key column but 2 values were given");
    }

    @Test
    void routesHashedCompositeKeys() {
        Metadata metadata = sample().apply(List.of(
                new CreateDistribution(new Distribution("ds3", List.of(ColumnType.VARCHAR_HASH, ColumnType.UUID))),
                new AttachRelation(new DistributedRelation(QualifiedName.of("events"), "ds3", List.of(
                        new DistributionKeyColumn("tenant", HashFunction.CITY), DistributionKeyColumn.of("id")))),
                new CreateKeyRange(new KeyRange("low", KeyBound.of(KeyValue.hash(0), KeyValue.uuid(new UUID(0, 0))), "sh1", "ds3")),
                new CreateKeyRange(new KeyRange("high", KeyBound.of(KeyValue.hash(0x8000_0000L), KeyValue.uuid(new UUID(0, 0))), "sh2", "ds3"))));
        DistributedRelation events = metadata.relation(QualifiedName.of("events")).orElseThrow();
        UUID id = UUID.fromString("018f4b8e-37f0-7cc4-b5f2-0f62d09ca662");
        KeyBound key = metadata.routingKey(events, List.of("acme", id));
        long hash = HashFunction.CITY.hashVarchar("acme");
        assertThat(key).isEqualTo(KeyBound.of(KeyValue.hash(hash), KeyValue.uuid(id)));
        assertThat(metadata.routingKeyFromText(events, List.of("acme", "018F4B8E37F07CC4B5F20F62D09CA662"))).isEqualTo(key);
        assertThat(metadata.shardFor("ds3", key)).contains(hash < 0x8000_0000L ? "sh1" : "sh2");
    }
}
