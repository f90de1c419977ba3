package dev.shardgate.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSinkTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "plain ascii", "caf\u00e9", "\u20ac uro", "\u65e5\u672c\u8a9e",
            "emoji \uD83D\uDE00 end", "lone high \uD800 surrogate", "lone low \uDC00", "trailing high \uD83D",
            "\u007f\u0080\u07ff\u0800\uffff"})
    void cStringIsUtf8FollowedByNulLikeGetBytes(String text) {
        ByteSink sink = new ByteSink(16);
        sink.writeByte(0x7e);
        sink.writeCString(text);
        byte[] expected = text.getBytes(StandardCharsets.UTF_8);
        byte[] written = sink.toByteArray();
        assertThat(written[0]).isEqualTo((byte) 0x7e);
        assertThat(Arrays.copyOfRange(written, 1, written.length - 1)).isEqualTo(expected);
        assertThat(written[written.length - 1]).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\0b", "\0", "\u00e9\0"})
    void aNulInsideAStringIsRefused(String text) {
        ByteSink sink = new ByteSink();
        assertThatThrownBy(() -> sink.writeCString(text)).isInstanceOf(PgException.class)
                .hasMessageContaining("NUL");
    }
}
