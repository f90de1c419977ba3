package dev.shardgate.meta.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Murmur3Test {

    /** Published MurmurHash3_x86_32 vectors (SMHasher's reference implementation). */
    @ParameterizedTest(name = "murmur3_32(\"{0}\", {1}) = {2}")
    @CsvSource(delimiter = '|', textBlock = """
            hello                                       | 0x00000000 | 0x248bfa47
            ''                                          | 0x00000000 | 0x00000000
            ''                                          | 0x00000001 | 0x514e28b7
            ''                                          | 0xffffffff | 0x81f16f39
            test                                        | 0x00000000 | 0xba6bd213
            abc                                         | 0x00000000 | 0xb3dd93fa
            aaaa                                        | 0x9747b28c | 0x5a97808a
            Hello, world!                               | 0x9747b28c | 0x24884cba
            The quick brown fox jumps over the lazy dog | 0x9747b28c | 0x2fa826cd
            """)
    void matchesPublishedVectors(String text, String seed, String expected) {
        int hash = Murmur3.hash32(text.getBytes(StandardCharsets.UTF_8), Integer.parseUnsignedInt(seed.substring(2), 16));
        assertThat(Integer.toHexString(hash)).isEqualTo(Integer.toHexString(Integer.parseUnsignedInt(expected.substring(2), 16)));
    }

    @ParameterizedTest(name = "four zero bytes with seed 0")
    @CsvSource("0x2362f9de")
    void hashesZeroBytes(String expected) {
        assertThat(Murmur3.hash32(new byte[4], 0)).isEqualTo(Integer.parseUnsignedInt(expected.substring(2), 16));
    }
}
