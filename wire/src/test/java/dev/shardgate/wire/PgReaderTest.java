package dev.shardgate.wire;

import static dev.shardgate.wire.Wire.concat;
import static dev.shardgate.wire.Wire.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgReaderTest {
    private static final int LIMIT = 1 << 20;

    @Test
    void readsMessagesInOrderThenReportsACleanEndOfStream() throws IOException {
        PgReader reader = reader(concat(Encoder.encode(new Query("select 1")), Encoder.encode(new Sync())));
        assertThat(reader.next()).isEqualTo('Q');
        assertThat(reader.type()).isEqualTo('Q');
        assertThat(reader.length()).isEqualTo(9);
        assertThat(reader.frontend()).isEqualTo(new Query("select 1"));
        assertThat(reader.next()).isEqualTo('S');
        assertThat(reader.frontend()).isEqualTo(new Sync());
        assertThat(reader.next()).isEqualTo(-1);
        assertThat(reader.next()).isEqualTo(-1);
    }

    @Test
    void typeIsUnsignedAndUnknownTypesAreOnlyRefusedWhenDecoded() throws IOException {
        PgReader reader = reader(hex("ff 00000004"));
        assertThat(reader.next()).isEqualTo(255);
        assertThatThrownBy(reader::frontend).isInstanceOf(PgException.class)
                .hasMessage("invalid frontend message type 0xff");
    }

    @Test
    void lengthAboveTheLimitIsAProtocolViolation() {
        PgReader reader = new PgReader(new ByteArrayInputStream(hex("51 00000064")), 50);
        assertThatThrownBy(reader::next).isInstanceOfSatisfying(PgException.class, e -> {
            assertThat(e.sqlState()).isEqualTo(SqlState.PROTOCOL_VIOLATION);
            assertThat(e.getMessage()).isEqualTo("message of type 'Q' has length 100, which exceeds the limit of 50 bytes");
        });
    }

    @Test
    void lengthAtTheLimitIsAccepted() throws IOException {
        byte[] message = Encoder.encode(new CopyData(new byte[46]));
        assertThat(new PgReader(new ByteArrayInputStream(message), 50).next()).isEqualTo('d');
    }

    @Test
    void lengthBelowFourIsAProtocolViolation() {
        assertThatThrownBy(() -> reader(hex("51 00000003")).next()).isInstanceOfSatisfying(PgException.class, e -> {
            assertThat(e.sqlState()).isEqualTo(SqlState.PROTOCOL_VIOLATION);
            assertThat(e.getMessage()).startsWith("invalid message length 3");
        });
        assertThatThrownBy(() -> reader(hex("51 ffffffff")).next()).isInstanceOf(PgException.class)
                .hasMessageStartingWith("invalid message length -1");
    }

    @Test
    void endOfStreamInsideAMessageIsAnEofException() {
        byte[] query = Encoder.encode(new Query("select 1"));
        assertThatThrownBy(() -> reader(Arrays.copyOf(query, query.length - 1)).next())
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("type 'Q'");
        assertThatThrownBy(() -> reader(Arrays.copyOf(query, 3)).next()).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> reader(new byte[0]).readFrontend()).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> reader(new byte[0]).readBackend()).isInstanceOf(EOFException.class);
    }

    @Test
    void messageLargerThanTheBufferGrowsIt() throws IOException {
        byte[] data = new byte[100_000];
        Arrays.fill(data, (byte) 7);
        byte[] stream = concat(Encoder.encode(new Sync()), Encoder.encode(new CopyData(data)), Encoder.encode(new CopyDone()));
        PgReader reader = new PgReader(new TrickleInputStream(stream, 1000), LIMIT, 16);
        assertThat(reader.readFrontend()).isEqualTo(new Sync());
        assertThat(reader.readFrontend()).isEqualTo(new CopyData(data));
        assertThat(reader.readFrontend()).isEqualTo(new CopyDone());
        assertThat(reader.next()).isEqualTo(-1);
    }

    @Test
    void messageLargerThanTheDefaultBufferIsReadWhole() throws IOException {
        byte[][] values = {new byte[150_000], null, "x".getBytes()};
        values[0][149_999] = 1;
        byte[] stream = concat(Encoder.encode(new DataRow(values)), Encoder.encode(ReadyForQuery.IDLE));
        PgReader reader = reader(stream);
        assertThat(reader.readBackend()).isEqualTo(new DataRow(values));
        assertThat(reader.readBackend()).isSameAs(ReadyForQuery.IDLE);
    }

    @Test
    void manySmallMessagesAreReadInOneGo() throws IOException {
        ByteSink stream = new ByteSink();
        for (int i = 0; i < 1000; i++) {
            Encoder.encode(new Execute("", i), stream);
        }
        CountingInputStream in = new CountingInputStream(new ByteArrayInputStream(stream.toByteArray()));
        PgReader reader = new PgReader(in, LIMIT);
        for (int i = 0; i < 1000; i++) {
            assertThat(reader.readFrontend()).isEqualTo(new Execute("", i));
        }
        assertThat(reader.next()).isEqualTo(-1);
        // 14 000 bytes fit the 64 KiB buffer: one read for all of them, one to see the end.
        assertThat(in.reads).isEqualTo(2);
    }

    @Test
    void oneByteAtATimeStillFramesCorrectly() throws IOException {
        byte[] stream = concat(Encoder.encode(new Parse("s", "select $1", new int[] {23})),
                Encoder.encode(new Bind("", "s", new short[0], new byte[][] {"1".getBytes()}, new short[0])),
                Encoder.encode(new Sync()));
        PgReader reader = new PgReader(new TrickleInputStream(stream, 1), LIMIT, 16);
        assertThat(reader.readFrontend()).isInstanceOf(Parse.class);
        assertThat(reader.readFrontend()).isInstanceOf(Bind.class);
        assertThat(reader.readFrontend()).isEqualTo(new Sync());
        assertThat(reader.next()).isEqualTo(-1);
    }

    @Test
    void copyCurrentToForwardsEveryByteUntouched() throws IOException {
        byte[] stream = concat(
                Encoder.encode(new RowDescription(List.of(RowDescription.Field.text("a")))),
                Encoder.encode(DataRow.text("1")),
                hex("44 00000006 ffff"),  // a malformed DataRow: forwarding does not decode it
                Encoder.encode(new DataRow(new byte[][] {new byte[200_000]})),
                Encoder.encode(new CommandComplete("SELECT 2")),
                Encoder.encode(ReadyForQuery.IDLE));
        PgReader reader = new PgReader(new TrickleInputStream(stream, 5000), LIMIT, 64);
        ByteArrayOutputStream forwarded = new ByteArrayOutputStream();
        PgWriter writer = new PgWriter(forwarded, 128);
        List<Integer> types = new ArrayList<>();
        while (reader.next() >= 0) {
            types.add(reader.type());
            reader.copyCurrentTo(writer);
        }
        writer.flush();
        assertThat(hex(forwarded.toByteArray())).isEqualTo(hex(stream));
        assertThat(types).containsExactly((int) 'T', (int) 'D', (int) 'D', (int) 'D', (int) 'C', (int) 'Z');
    }

    @Test
    void hasBufferedInputTellsWhetherToFlush() throws IOException {
        PgReader reader = reader(concat(Encoder.encode(new Query("select 1")), Encoder.encode(new Sync())));
        assertThat(reader.next()).isEqualTo('Q');
        assertThat(reader.hasBufferedInput()).isTrue();
        assertThat(reader.next()).isEqualTo('S');
        assertThat(reader.hasBufferedInput()).isFalse();
    }

    @Test
    void payloadByteReadsTheCurrentPayload() throws IOException {
        PgReader reader = reader(concat(Encoder.encode(new Query("ab")), Encoder.encode(new Sync())));
        reader.next();
        assertThat(reader.payloadByte(0)).isEqualTo((byte) 'a');
        assertThat(reader.payloadByte(2)).isEqualTo((byte) 0);
        assertThatThrownBy(() -> reader.payloadByte(3)).isInstanceOf(IndexOutOfBoundsException.class);
        reader.next();
        assertThatThrownBy(() -> reader.payloadByte(0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void hasBufferedMessageLooksOnlyAtTheBuffer() throws IOException {
        byte[] stream = concat(Encoder.encode(new Sync()), Encoder.encode(new Sync()));
        PgReader reader = new PgReader(new TrickleInputStream(stream, 5), LIMIT);
        assertThat(reader.next()).isEqualTo('S');
        assertThat(reader.hasBufferedMessage()).isFalse(); // the second Sync is still in the stream
        assertThat(reader.hasBufferedInput()).isTrue();

        PgReader whole = reader(stream);
        assertThat(whole.next()).isEqualTo('S');
        assertThat(whole.hasBufferedMessage()).isTrue();
        assertThat(whole.next()).isEqualTo('S');
        assertThat(whole.hasBufferedMessage()).isFalse();
    }

    @Test
    void hasBufferedInputAsksTheStreamWhenTheBufferIsDrained() throws IOException {
        byte[] stream = concat(Encoder.encode(new Sync()), Encoder.encode(new Sync()));
        PgReader reader = new PgReader(new TrickleInputStream(stream, 5), LIMIT);
        assertThat(reader.next()).isEqualTo('S');
        assertThat(reader.hasBufferedInput()).isTrue();
        assertThat(reader.next()).isEqualTo('S');
        assertThat(reader.hasBufferedInput()).isFalse();
    }

    @Test
    void payloadIsAReadOnlyViewOfTheCurrentMessage() throws IOException {
        PgReader reader = reader(concat(Encoder.encode(new Sync()), Encoder.encode(new Query("ab"))));
        reader.next();
        assertThat(reader.payload().remaining()).isZero();
        reader.next();
        ByteBuffer payload = reader.payload();
        assertThat(payload.remaining()).isEqualTo(3);
        assertThat(payload.get(0)).isEqualTo((byte) 'a');
        assertThat(payload.get(2)).isEqualTo((byte) 0);
        assertThat(payload.isReadOnly()).isTrue();
        assertThatThrownBy(() -> payload.put(0, (byte) 'x')).isInstanceOf(ReadOnlyBufferException.class);
    }

    @Test
    void currentMessageIsRequired() {
        PgReader reader = reader(new byte[0]);
        assertThatThrownBy(reader::type).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(reader::payload).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void startupPacketThenTypedMessagesFromOneRead() throws IOException {
        StartupMessage startup = StartupMessage.of(Map.of("user", "bob"));
        PgReader reader = reader(concat(Encoder.encode(startup), Encoder.encode(new Query("select 1"))));
        assertThat(reader.readStartupPacket()).isEqualTo(startup);
        assertThat(reader.readFrontend()).isEqualTo(new Query("select 1"));
    }

    @Test
    void sslRequestThenStartupMessage() throws IOException {
        StartupMessage startup = StartupMessage.of(Map.of("user", "bob"));
        byte[] stream = concat(Encoder.encode(new SslRequest()), Encoder.encode(startup));
        // The client waits for the server's answer between the two packets.
        PgReader reader = new PgReader(new TrickleInputStream(stream, 8), LIMIT);
        assertThat(reader.readStartupPacket()).isEqualTo(new SslRequest());
        assertThat(reader.readStartupPacket()).isEqualTo(startup);
    }

    @Test
    void clearTextBytesBehindAnSslRequestAreRefused() {
        byte[] stream = concat(Encoder.encode(new SslRequest()), Encoder.encode(new Query("select 1")));
        assertThatThrownBy(() -> reader(stream).readStartupPacket()).isInstanceOfSatisfying(PgException.class, e -> {
            assertThat(e.sqlState()).isEqualTo(SqlState.PROTOCOL_VIOLATION);
            assertThat(e.getMessage()).isEqualTo("received unencrypted data after SSL request");
        });
        byte[] gss = concat(Encoder.encode(new GssEncRequest()), hex("00"));
        assertThatThrownBy(() -> reader(gss).readStartupPacket()).isInstanceOf(PgException.class)
                .hasMessage("received unencrypted data after GSSAPI encryption request");
    }

    @Test
    void garbageStartupPacketsAreProtocolViolations() {
        // An HTTP request reads as a length of 0x47455420, far beyond any startup packet.
        assertThatThrownBy(() -> reader("GET / HTTP/1.1\r\n\r\n".getBytes()).readStartupPacket())
                .isInstanceOfSatisfying(PgException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo(SqlState.PROTOCOL_VIOLATION);
                    assertThat(e.getMessage()).isEqualTo("invalid length of startup packet");
                });
        assertThatThrownBy(() -> reader(hex("00000004")).readStartupPacket()).isInstanceOf(PgException.class)
                .hasMessage("invalid length of startup packet");
        assertThatThrownBy(() -> reader(hex("00000008 00010000")).readStartupPacket()).isInstanceOf(PgException.class)
                .hasMessage("unsupported frontend protocol 1.0: server supports 3.0 to 3.0");
        assertThatThrownBy(() -> reader(hex("00000010 0003")).readStartupPacket()).isInstanceOf(EOFException.class)
                .hasMessage("incomplete startup packet");
        assertThatThrownBy(() -> reader(new byte[0]).readStartupPacket()).isInstanceOf(EOFException.class);
    }

    @Test
    void startupPacketLengthLimitIsPostgresqls() throws IOException {
        byte[] atLimit = startupPacketWithPayload(Protocol.MAX_STARTUP_PACKET_LENGTH);
        assertThat(reader(atLimit).readStartupPacket()).isInstanceOf(StartupMessage.class);
        byte[] overLimit = startupPacketWithPayload(Protocol.MAX_STARTUP_PACKET_LENGTH + 1);
        assertThatThrownBy(() -> reader(overLimit).readStartupPacket()).isInstanceOf(PgException.class)
                .hasMessage("invalid length of startup packet");
    }

    private static byte[] startupPacketWithPayload(int payloadLength) {
        // version (4) + "user\0" (5) + value + NUL + final NUL
        char[] value = new char[payloadLength - 4 - 5 - 2];
        Arrays.fill(value, 'u');
        byte[] packet = Encoder.encode(StartupMessage.of(Map.of("user", new String(value))));
        assertThat(packet.length).isEqualTo(4 + payloadLength);
        return packet;
    }

    private static PgReader reader(byte[] bytes) {
        return new PgReader(new ByteArrayInputStream(bytes), LIMIT);
    }

    /** Hands out at most {@code chunk} bytes per read, like a slow socket, and reports them as available. */
    static final class TrickleInputStream extends InputStream {
        private final byte[] bytes;
        private final int chunk;
        private int position;

        TrickleInputStream(byte[] bytes, int chunk) {
            this.bytes = bytes;
            this.chunk = chunk;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xff : -1;
        }

        @Override
        public int read(byte[] target, int offset, int length) {
            if (position == bytes.length) {
                return -1;
            }
            int count = Math.min(Math.min(length, chunk), bytes.length - position);
            System.arraycopy(bytes, position, target, offset, count);
            position += count;
            return count;
        }

        @Override
        public int available() {
            return bytes.length - position;
        }
    }

    private static final class CountingInputStream extends InputStream {
        private final InputStream in;
        int reads;

        CountingInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            reads++;
            return in.read();
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            reads++;
            return in.read(target, offset, length);
        }
    }
}
