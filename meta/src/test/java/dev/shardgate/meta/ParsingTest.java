package dev.shardgate.meta;

import static dev.shardgate.meta.MetadataAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ParsingTest {
    private static final List<ColumnType> INT = List.of(ColumnType.INTEGER);

    @Test
    void parsesColumnTypes() {
        assertThat(ColumnType.parse("varchar hash")).isEqualTo(ColumnType.VARCHAR_HASH);
        assertThat(ColumnType.parse("VARCHAR  HASHED")).isEqualTo(ColumnType.VARCHAR_HASH);
        assertThat(ColumnType.parse("integer")).isEqualTo(ColumnType.INTEGER);
        assertThat(ColumnType.parse("uuid hash")).isEqualTo(ColumnType.UUID_HASH);
        assertThat(ColumnType.INTEGER_HASH.consoleName()).isEqualTo("integer hash");
        for (ColumnType type : ColumnType.values()) {
            assertThat(ColumnType.parse(type.consoleName())).isEqualTo(type);
        }
        assertRefused(() -> ColumnType.parse("float"), "42704", "type \"float\" is not a distribution column type"
                + " (expected integer, varchar, uuid, integer hash, varchar hash or uuid hash)");
    }

    @Test
    void parsesBoundsPerColumnType() {
        List<ColumnType> types = List.of(ColumnType.INTEGER, ColumnType.VARCHAR, ColumnType.UUID, ColumnType.VARCHAR_HASH);
        KeyBound parsed = KeyBound.parse(List.of("-42", "", "{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}", "4294967295"), types, "ds1");
        assertThat(parsed).isEqualTo(KeyBound.of(KeyValue.integer(-42), KeyValue.varchar(""),
                KeyValue.uuid(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")), KeyValue.hash(4294967295L)));
        assertThat(parsed.toString()).isEqualTo("-42, '', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 4294967295");
        assertThat(KeyBound.of(KeyValue.varchar("it's")).toString()).isEqualTo("'it''s'");
    }

    @Test
    void refusesInvalidBoundText() {
        assertRefused(() -> KeyBound.parse(List.of("abc"), INT, "ds1"), "22P02",
                "bound \"abc\" is not a valid integer for column 1 (integer) of distribution \"ds1\"");
        assertRefused(() -> KeyBound.parse(List.of("99999999999999999999"), INT, "ds1"), "22P02",
                "bound \"99999999999999999999\" is not a valid integer for column 1 (integer) of distribution \"ds1\"");
        assertRefused(() -> KeyBound.parse(List.of("1", "a0eebc99-9c0b"), List.of(ColumnType.INTEGER, ColumnType.UUID), "ds1"),
                "22P02", "bound \"a0eebc99-9c0b\" is not a valid uuid for column 2 (uuid) of distribution \"ds1\"");
        assertRefused(() -> KeyBound.parse(List.of("4294967296"), List.of(ColumnType.INTEGER_HASH), "ds1"), "22P02",
                "bound \"4294967296\" is not an unsigned 32-bit hash for column 1 (integer hash) of distribution \"ds1\"");
        assertRefused(() -> KeyBound.parse(List.of("-1"), List.of(ColumnType.UUID_HASH), "ds1"), "22P02",
                "bound \"-1\" is not an unsigned 32-bit hash for column 1 (uuid hash) of distribution \"ds1\"");
        assertRefused(() -> KeyBound.parse(List.of("1", "2"), INT, "ds1"), "42804",
                "bound has 2 values but distribution \"ds1\" has 1 column");
    }

    @Test
    void followsPostgresUuidInputSyntax() {
        UUID expected = UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        for (String text : List.of("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}",
                "a0eebc999c0b4ef8bb6d6bb9bd380a11", "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11")) {
            assertThat(ValueText.uuidOrNull(text)).as(text).isEqualTo(expected);
        }
        for (String text : List.of("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1", "a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11",
                "-a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-", "{a0eebc999c0b4ef8bb6d6bb9bd380a11",
                "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g", " a0eebc999c0b4ef8bb6d6bb9bd380a11", "")) {
            assertThat(ValueText.uuidOrNull(text)).as(text).isNull();
        }
    }

    @Test
    void turnsRawValuesIntoKeys() {
        assertThat(ColumnType.INTEGER.keyOf(HashFunction.IDENT, 7L)).isEqualTo(KeyValue.integer(7));
        assertThat(ColumnType.INTEGER_HASH.keyOf(HashFunction.MURMUR, Long.MAX_VALUE)).isEqualTo(KeyValue.hash(3119878097L));
        assertThat(ColumnType.INTEGER_HASH.keyOfText(HashFunction.CITY, "-9223372036854775808")).isEqualTo(KeyValue.hash(1856670072L));
        assertThat(ColumnType.VARCHAR_HASH.keyOf(HashFunction.MURMUR, "hello")).isEqualTo(KeyValue.hash(0x248bfa47L));
        assertRefused(() -> ColumnType.VARCHAR_HASH.keyOf(HashFunction.IDENT, "hello"), "42804",
                "hash function ident cannot be used with column type varchar hash");
        assertRefused(() -> ColumnType.UUID.keyOfText(HashFunction.IDENT, "nope"), "22P02",
                "invalid input syntax for type uuid: \"nope\"");
        assertRefused(() -> ColumnType.INTEGER.keyOfText(HashFunction.IDENT, "99999999999999999999"), "22003",
                "value \"99999999999999999999\" is out of range for type bigint");
    }

    @Test
    void readsBigintTextLikeInt8in() {
        assertThat(ValueText.bigint("42")).isEqualTo(42);
        assertThat(ValueText.bigint(" -7 ")).isEqualTo(-7);
        assertThat(ValueText.bigint("+9")).isEqualTo(9);
        assertThat(ValueText.bigint("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        for (String bad : List.of("", " ", "+", "-", "1.5", "12a", "٣", "1 2", "--1")) {
            assertRefused(() -> ValueText.bigint(bad), "22P02",
                    "invalid input syntax for type bigint: \"" + bad + "\"");
        }
        assertThat(ValueText.unsigned32OrNull("4294967295")).isEqualTo(4294967295L);
        assertThat(ValueText.unsigned32OrNull("4294967296")).isNull();
        assertThat(ValueText.unsigned32OrNull("12345678901")).isNull();
        assertThat(ValueText.unsigned32OrNull("-1")).isNull();
        assertThat(ValueText.unsigned32OrNull("")).isNull();
    }

    @Test
    void keysOfDifferentKindsDoNotCompare() {
        assertRefused(() -> KeyValue.integer(1).compareTo(KeyValue.varchar("1")), "42804",
                "cannot compare integer 1 with varchar '1'");
    }

    @Test
    void parsesQualifiedNames() {
        assertThat(QualifiedName.parse("orders")).isEqualTo(new QualifiedName("public", "orders"));
        assertThat(QualifiedName.parse("sales.orders")).isEqualTo(new QualifiedName("sales", "orders"));
        assertThat(QualifiedName.of("orders").toString()).isEqualTo("public.orders");
        assertRefused(() -> QualifiedName.parse("a.b.c"), "42602", "invalid relation name \"a.b.c\"");
        assertRefused(() -> QualifiedName.parse("a."), "42602", "invalid relation name \"a.\"");
    }
}
