package dev.shardgate.coordinator.move;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RowChecksumTest {
    private static BatchContent of(String... chunks) {
        RowChecksum checksum = new RowChecksum();
        for (String chunk : chunks) {
            byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
            checksum.update(bytes, 0, bytes.length);
        }
        return checksum.content();
    }

    @Test
    void theSameRowsGiveTheSameContentInAnyOrderAndChunking() {
        BatchContent rows = of("1\tone\t7\n", "2\ttwo\\nlines\t8\n", "3\t\\N\t9\n");
        assertThat(rows.rows()).isEqualTo(3);
        assertThat(of("3\t\\N\t9\n2\ttwo\\nlin", "es\t8\n", "1\tone\t7\n")).isEqualTo(rows);
        assertThat(of()).isEqualTo(new BatchContent(0, 0));
    }

    @Test
    void aChangedMissingOrRepeatedRowChangesTheContent() {
        BatchContent rows = of("1\tone\t7\n", "2\ttwo\t8\n");
        assertThat(of("1\tone\t7\n", "2\ttwo\t9\n")).isNotEqualTo(rows);
        assertThat(of("1\tone\t7\n", "2\ttwo\t8\n", "2\ttwo\t8\n")).isNotEqualTo(rows);
        assertThat(of("1\tone\t7\n")).isNotEqualTo(rows);
        // swapping values between rows keeps the bytes but not the rows
        assertThat(of("1\tone\t8\n", "2\ttwo\t7\n").checksum()).isNotEqualTo(rows.checksum());
    }
}
