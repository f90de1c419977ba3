package dev.shardgate.meta;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Each kind's order is the documented one and a total order. */
class KeyValuePropertyTest {

    @Property(tries = 2000)
    void varcharsCompareAsUtf8Bytes(@ForAll("varchars") KeyValue a, @ForAll("varchars") KeyValue b) {
        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(Integer.signum(KeyRangeIndexPropertyTest.referenceOrder(a, b)));
    }

    @Property(tries = 2000)
    void uuidsCompareAsUnsignedBytes(@ForAll("uuids") KeyValue a, @ForAll("uuids") KeyValue b) {
        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(Integer.signum(KeyRangeIndexPropertyTest.referenceOrder(a, b)));
    }

    @Property(tries = 1000)
    void orderIsAntisymmetricAndConsistentWithEquals(@ForAll("integers") KeyValue a, @ForAll("integers") KeyValue b) {
        assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a)));
        assertThat(a.compareTo(b) == 0).isEqualTo(a.equals(b));
    }

    @Property(tries = 500)
    void boundTextRoundTrips(@ForAll("varchars") KeyValue varchar, @ForAll("uuids") KeyValue uuid,
                             @ForAll("integers") KeyValue integer, @ForAll("hashes") KeyValue hash) {
        KeyBound bound = KeyBound.of(integer, varchar, uuid, hash);
        var types = java.util.List.of(ColumnType.INTEGER, ColumnType.VARCHAR, ColumnType.UUID, ColumnType.INTEGER_HASH);
        assertThat(KeyBound.parse(bound.texts(), types, "ds")).isEqualTo(bound);
    }

    @Provide
    Arbitrary<KeyValue> varchars() {
        return KeyRangeIndexPropertyTest.varchars();
    }

    @Provide
    Arbitrary<KeyValue> uuids() {
        return KeyRangeIndexPropertyTest.uuids();
    }

    @Provide
    Arbitrary<KeyValue> integers() {
        return KeyRangeIndexPropertyTest.integers();
    }

    @Provide
    Arbitrary<KeyValue> hashes() {
        return KeyRangeIndexPropertyTest.hashes();
    }
}
