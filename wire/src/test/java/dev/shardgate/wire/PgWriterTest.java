package dev.shardgate.wire;

import static dev.shardgate.wire.Wire.concat;
import static dev.shardgate.wire.Wire.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PgWriterTest {
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    @Test
    void smallMessagesWaitForFlush() throws IOException {
        PgWriter writer = new PgWriter(sent);
        writer.write(new BindComplete());
        writer.write(DataRow.text("1"));
        assertThat(sent.size()).isZero();
        assertThat(writer.bufferedBytes()).isEqualTo(5 + 12);
        writer.flush();
        assertThat(hex(sent.toByteArray()))
                .isEqualTo(hex(concat(Encoder.encode(new BindComplete()), Encoder.encode(DataRow.text("1")))));
        assertThat(writer.bufferedBytes()).isZero();
    }

    @Test
    void aFullBufferIsHandedToTheStreamWithoutFlush() throws IOException {
        PgWriter writer = new PgWriter(sent, 64);
        ByteSink expected = new ByteSink();
        for (int i = 0; i < 20; i++) {
            writer.write(new Sync());
            Encoder.encode(new Sync(), expected);
        }
        assertThat(sent.size()).isGreaterThanOrEqualTo(64);
        writer.flush();
        assertThat(hex(sent.toByteArray())).isEqualTo(hex(expected.toByteArray()));
    }

    @Test
    void messagesLargerThanTheBufferArriveWhole() throws IOException {
        PgWriter writer = new PgWriter(sent, 64);
        byte[] big = new byte[10_000];
        big[9_999] = 9;
        writer.write(new Query("x"));
        writer.write(new CopyData(big));
        byte[] raw = Encoder.encode(new CopyData(big));
        writer.writeRawBytes(raw, 0, raw.length);
        writer.write(new CopyDone());
        writer.flush();
        assertThat(hex(sent.toByteArray())).isEqualTo(hex(concat(
                Encoder.encode(new Query("x")), raw, raw, Encoder.encode(new CopyDone()))));
    }

    @Test
    void writeRawFramesAnyBufferAndLeavesItsPositionAlone() throws IOException {
        PgWriter writer = new PgWriter(sent, 32);
        byte[] bytes = new byte[100];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        ByteBuffer heap = ByteBuffer.wrap(bytes, 10, 50).slice();
        ByteBuffer readOnly = heap.asReadOnlyBuffer();
        ByteBuffer direct = ByteBuffer.allocateDirect(100).put(bytes).flip().position(10).limit(60);
        writer.writeRaw((byte) 'd', heap);
        writer.writeRaw((byte) 'd', readOnly);
        writer.writeRaw((byte) 'd', direct);
        writer.flush();
        byte[] expected = Encoder.encode(new CopyData(Arrays.copyOfRange(bytes, 10, 60)));
        assertThat(hex(sent.toByteArray())).isEqualTo(hex(concat(expected, expected, expected)));
        assertThat(heap.position()).isZero();
        assertThat(readOnly.position()).isZero();
        assertThat(direct.position()).isEqualTo(10);
    }

    @Test
    void aMessageThatCannotBeEncodedLeavesNothingBehind() throws IOException {
        PgWriter writer = new PgWriter(sent);
        writer.write(new Sync());
        assertThatThrownBy(() -> writer.write(new Query("select 1\0; drop table t")))
                .isInstanceOfSatisfying(PgException.class,
                        e -> assertThat(e.sqlState()).isEqualTo(SqlState.PROTOCOL_VIOLATION));
        assertThatThrownBy(() -> writer.write(new ParameterDescription(new int[70_000])))
                .isInstanceOfSatisfying(PgException.class,
                        e -> assertThat(e.sqlState()).isEqualTo(SqlState.PROGRAM_LIMIT_EXCEEDED));
        writer.write(new Flush());
        writer.flush();
        assertThat(hex(sent.toByteArray())).isEqualTo(hex(concat(Encoder.encode(new Sync()), Encoder.encode(new Flush()))));
    }

    @Test
    void copyMessagesNeedNoCastDespiteTravellingBothWays() throws IOException {
        PgWriter writer = new PgWriter(sent);
        writer.write(new CopyData(new byte[] {1}));
        writer.write(new CopyDone());
        writer.flush();
        assertThat(hex(sent.toByteArray())).isEqualTo("640000000501" + "6300000004");
    }
}
