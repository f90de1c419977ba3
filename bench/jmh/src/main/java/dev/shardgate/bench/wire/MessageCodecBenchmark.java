package dev.shardgate.bench.wire;

import dev.shardgate.wire.Bind;
import dev.shardgate.wire.ByteSink;
import dev.shardgate.wire.DataRow;
import dev.shardgate.wire.Decoder;
import dev.shardgate.wire.Encoder;
import dev.shardgate.wire.RowDescription;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One message decoded from its payload ({@link Decoder}) or encoded into a reused buffer
 * ({@link Encoder}): the cost the router pays for each message it has to understand rather than
 * forward.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class MessageCodecBenchmark {
    private Bind bind;
    private DataRow row;
    private RowDescription columns;
    private ByteBuffer bindPayload;
    private ByteBuffer rowPayload;
    private ByteBuffer columnsPayload;
    private ByteSink sink;

    @Setup
    public void prepare() {
        bind = PgbenchMessages.bind();
        row = PgbenchMessages.accountRow();
        columns = PgbenchMessages.accountColumns();
        bindPayload = payloadOf(PgbenchMessages.wireBytes(bind));
        rowPayload = payloadOf(PgbenchMessages.wireBytes(row));
        columnsPayload = payloadOf(PgbenchMessages.wireBytes(columns));
        sink = new ByteSink(64 * 1024);
    }

    /** The payload alone: the decoder is handed the bytes after the type byte and the length word. */
    private static ByteBuffer payloadOf(byte[] message) {
        return ByteBuffer.wrap(message, 5, message.length - 5);
    }

    @Benchmark
    public Object decodeBind() {
        return Decoder.decodeFrontend(Bind.TYPE, bindPayload);
    }

    @Benchmark
    public Object decodeDataRow() {
        return Decoder.decodeBackend(DataRow.TYPE, rowPayload);
    }

    @Benchmark
    public Object decodeRowDescription() {
        return Decoder.decodeBackend(RowDescription.TYPE, columnsPayload);
    }

    @Benchmark
    public int encodeBind() {
        sink.reset();
        Encoder.encode(bind, sink);
        return sink.size();
    }

    @Benchmark
    public int encodeDataRow() {
        sink.reset();
        Encoder.encode(row, sink);
        return sink.size();
    }

    @Benchmark
    public int encodeRowDescription() {
        sink.reset();
        Encoder.encode(columns, sink);
        return sink.size();
    }
}
