package dev.shardgate.wire.listen;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** A burst of one second's worth passes, a flood is held to the rate, each address on its own. */
class ConnectionRateTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstPassesAFloodIsHeldToTheRateEachAddressAlone() throws Exception {
        ConnectionRate rate = new ConnectionRate(5);
        InetAddress one = InetAddress.getByName("10.0.0.1");
        InetAddress two = InetAddress.getByName("10.0.0.2");
        int admitted = 0;
        for (int i = 0; i < 20; i++) {
            admitted += rate.tryAdmit(one, 0) ? 1 : 0;
        }
        assertThat(admitted).as("a burst of one second's worth").isEqualTo(5);
        assertThat(rate.tryAdmit(two, 0)).as("another address has its own bucket").isTrue();
        assertThat(rate.tryAdmit(one, SECOND / 10)).as("a tenth of a second later: half a token").isFalse();
        assertThat(rate.tryAdmit(one, SECOND / 5)).as("a fifth of a second later: one token").isTrue();
        assertThat(rate.tryAdmit(one, SECOND / 5)).isFalse();
    }

    @Test
    void zeroAdmitsEveryone() throws Exception {
        ConnectionRate off = new ConnectionRate(0);
        for (int i = 0; i < 1000; i++) {
            assertThat(off.tryAdmit(InetAddress.getByName("10.0.0.1"), 0)).isTrue();
        }
    }
}
