package dev.shardgate.bench.wire;

import dev.shardgate.wire.BackendMessage;
import dev.shardgate.wire.FrontendMessage;
import dev.shardgate.wire.PgReader;
import dev.shardgate.wire.PgWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Messages through {@link PgReader} and {@link PgWriter} as a session moves them: framed and forwarded
 * untouched, framed and decoded, or encoded into the outgoing buffer. Streams are in memory, so this
 * is the router's own cost per message without system calls.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class MessageStreamBenchmark {
    /** Which message the stream carries: a client's Bind, a server's DataRow or RowDescription. */
    @Param({"Bind", "DataRow", "RowDescription"})
    public String message;

    private PgReader reader;
    private PgWriter writer;
    private boolean fromClient;
    private FrontendMessage frontendMessage;
    private BackendMessage backendMessage;

    @Setup
    public void prepare() {
        byte[] bytes = switch (message) {
            case "Bind" -> PgbenchMessages.wireBytes(PgbenchMessages.bind());
            case "DataRow" -> PgbenchMessages.wireBytes(PgbenchMessages.accountRow());
            case "RowDescription" -> PgbenchMessages.wireBytes(PgbenchMessages.accountColumns());
            default -> throw new IllegalArgumentException("unknown message " + message);
        };
        fromClient = message.equals("Bind");
        frontendMessage = PgbenchMessages.bind();
        backendMessage = message.equals("DataRow") ? PgbenchMessages.accountRow() : PgbenchMessages.accountColumns();
        reader = new PgReader(new EndlessStream(bytes), 1 << 20);
        writer = new PgWriter(OutputStream.nullOutputStream());
    }

    /** What the relay does with rows and everything else it need not understand. */
    @Benchmark
    public int frameAndForward() throws IOException {
        int type = reader.next();
        reader.copyCurrentTo(writer);
        return type;
    }

    @Benchmark
    public Object frameAndDecode() throws IOException {
        reader.next();
        return fromClient ? reader.frontend() : reader.backend();
    }

    @Benchmark
    public int encodeAndWrite() throws IOException {
        if (fromClient) {
            writer.write(frontendMessage);
        } else {
            writer.write(backendMessage);
        }
        return writer.bufferedBytes();
    }
}
