package dev.shardgate.console.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.wire.PgException;
import org.junit.jupiter.api.Test;

class LsnTest {

    @Test
    void readsAndPrintsAsPostgresql() {
        assertThat(Lsn.parse("16/B374D848").value()).isEqualTo(0x16B374D848L);
        assertThat(Lsn.parse("16/B374D848")).hasToString("16/B374D848");
        assertThat(Lsn.parse("0/3000060")).hasToString("0/3000060");
        assertThat(Lsn.parse("FFFFFFFF/FFFFFFFF").compareTo(Lsn.parse("0/1"))).isPositive();
    }

    @Test
    void bytesBetweenPositions() {
        assertThat(Lsn.parse("1/0").bytesAfter(Lsn.parse("0/FFFFFF00"))).isEqualTo(256);
        assertThat(Lsn.parse("0/100").bytesAfter(Lsn.parse("0/200"))).isZero();
    }

    @Test
    void refusesWhatIsNoLsn() {
        for (String text : new String[] {"", "16", "/1", "1/", "G/1", "1/123456789"}) {
            assertThatThrownBy(() -> Lsn.parse(text)).isInstanceOf(PgException.class)
                    .hasMessage("invalid input syntax for type pg_lsn: \"" + text + "\"");
        }
    }
}
