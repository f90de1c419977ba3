package dev.shardgate.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class HashFunctionTest {

    @Test
    void encodesIntegersAsSpqrDoes() {
        assertThat(HashFunction.integerBytes(0)).containsExactly(0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(HashFunction.integerBytes(128)).containsExactly(128, 1, 0, 0, 0, 0, 0, 0);
        assertThat(HashFunction.integerBytes(12345)).containsExactly(185, 96, 0, 0, 0, 0, 0, 0);
        assertThat(HashFunction.integerBytes((1L << 56) - 1)).containsExactly(255, 255, 255, 255, 255, 255, 255, 127);
        assertThat(HashFunction.integerBytes(1L << 56)).containsExactly(128, 128, 128, 128, 128, 128, 128, 128, 1, 0);
        assertThat(HashFunction.integerBytes(-1)).containsExactly(255, 255, 255, 255, 255, 255, 255, 255, 255, 1);
    }

    /** Values SPQR's own tests expect, so keys hash to the same ranges as in SPQR. */
    @Test
    void hashesIntegersLikeSpqr() {
        assertThat(HashFunction.MURMUR.hashInteger(Long.MAX_VALUE)).isEqualTo(3119878097L);
        assertThat(HashFunction.CITY.hashInteger(Long.MAX_VALUE)).isEqualTo(2380995212L);
        assertThat(HashFunction.MURMUR.hashInteger(Long.MIN_VALUE)).isEqualTo(1367477491L);
        assertThat(HashFunction.CITY.hashInteger(Long.MIN_VALUE)).isEqualTo(1856670072L);
    }

    @Test
    void hashesVarcharAsUtf8AndUuidAsLowerCaseText() {
        assertThat(HashFunction.MURMUR.hashVarchar("hello")).isEqualTo(0x248bfa47L);
        UUID uuid = UUID.fromString("018F4B8E-37F0-7CC4-B5F2-0F62D09CA662");
        assertThat(HashFunction.MURMUR.hashUuid(uuid))
                .isEqualTo(HashFunction.MURMUR.hashVarchar("018f4b8e-37f0-7cc4-b5f2-0f62d09ca662"));
        assertThat(HashFunction.CITY.hashVarchar("ключ")).isBetween(0L, 0xFFFF_FFFFL);
    }

    @Test
    void identDoesNotHash() {
        assertThatThrownBy(() -> HashFunction.IDENT.hashVarchar("x"))
                .isInstanceOf(MetadataException.class)
                .extracting(e -> ((MetadataException) e).sqlState()).isEqualTo("42804");
    }

    @Test
    void parsesConsoleSpellings() {
        assertThat(HashFunction.parse("MURMUR")).isEqualTo(HashFunction.MURMUR);
        assertThat(HashFunction.parse("identity")).isEqualTo(HashFunction.IDENT);
        assertThat(HashFunction.parse(" city ")).isEqualTo(HashFunction.CITY);
        assertThatThrownBy(() -> HashFunction.parse("sha1"))
                .isInstanceOf(MetadataException.class)
                .hasMessage("hash function \"sha1\" does not exist (expected ident, murmur or city)");
    }
}
