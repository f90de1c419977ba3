package dev.shardgate.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What a reader lets a peer cost: memory for bytes that arrived, not for lengths it claims. */
class PgReaderLimitsTest {
    private static final int GIGABYTE = 1 << 30;

    /** A password message claiming 256 MB used to get its buffer before any of it arrived. */
    @Test
    void aClaimedLengthCostsNothingUntilItsBytesArrive() {
        byte[] claim = ByteBuffer.allocate(5 + 100).put((byte) 'p').putInt(GIGABYTE - 4).array();
        PgReader reader = new PgReader(new ByteArrayInputStream(claim), GIGABYTE, 8192);
        long before = allocatedByThisThread();

        assertThatThrownBy(reader::next).isInstanceOf(EOFException.class).hasMessageContaining("105 of " + (GIGABYTE - 3));

        assertThat(allocatedByThisThread() - before).as("bytes allocated for a 1 GB claim of which 100 bytes came")
                .isLessThan(1 << 20);
    }

    @Test
    void aLargeMessageTrickledInIsStillReadWhole() throws Exception {
        byte[] body = new byte[5 << 20];
        new Random(7).nextBytes(body);
        byte[] message = ByteBuffer.allocate(5 + body.length).put((byte) 'd').putInt(4 + body.length).put(body).array();
        PgReader reader = new PgReader(new PgReaderTest.TrickleInputStream(message, 1000), GIGABYTE, 8192);

        assertThat(reader.next()).isEqualTo('d');
        ByteBuffer payload = reader.payload();
        byte[] read = new byte[payload.remaining()];
        payload.get(read);
        assertThat(Arrays.equals(read, body)).isTrue();
    }

    @Test
    void duringALoginOnlyLoginSizedMessagesAreAccepted() throws Exception {
        byte[] big = ByteBuffer.allocate(5 + 65536).put((byte) 'p').putInt(4 + 65536).array();
        PgReader reader = new PgReader(new ByteArrayInputStream(big), GIGABYTE);
        reader.limitMessageLength(Protocol.MAX_LOGIN_MESSAGE_LENGTH);

        assertThatThrownBy(reader::next).isInstanceOfSatisfying(PgException.class, e -> {
            assertThat(e.sqlState()).isEqualTo(SqlState.PROTOCOL_VIOLATION);
            assertThat(e.getMessage()).isEqualTo("message of type 'p' has length 65540, which exceeds the limit of 65539 bytes");
        });

        PgReader afterLogin = new PgReader(new ByteArrayInputStream(big), GIGABYTE);
        afterLogin.limitMessageLength(Protocol.MAX_LOGIN_MESSAGE_LENGTH);
        afterLogin.liftMessageLengthLimit();
        assertThat(afterLogin.next()).isEqualTo('p');
    }

    @Test
    void aStartupPacketWithMoreThanAHundredParametersIsRefusedWith54000() throws Exception {
        assertThat(readStartup(100)).isInstanceOf(StartupMessage.class);
        assertThatThrownBy(() -> readStartup(101)).isInstanceOfSatisfying(PgException.class, e -> {
            assertThat(e.sqlState()).isEqualTo(SqlState.PROGRAM_LIMIT_EXCEEDED);
            assertThat(e.getMessage()).isEqualTo("too many parameters in startup packet (the limit is 100)");
        });
    }

    private static FrontendMessage readStartup(int parameters) throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("user", "u");
        for (int i = 1; i < parameters; i++) {
            values.put("p" + i, "v");
        }
        byte[] packet = Encoder.encode(StartupMessage.of(values));
        return new PgReader(new ByteArrayInputStream(packet), GIGABYTE).readStartupPacket();
    }

    private static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
