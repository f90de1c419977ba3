package dev.shardgate.bench.wire;

import dev.shardgate.wire.AwaitableInput;
import dev.shardgate.wire.BufferPool;
import dev.shardgate.wire.ByteSink;
import dev.shardgate.wire.ClientEncoding;
import dev.shardgate.wire.Encoder;
import dev.shardgate.wire.PgReader;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.ReadyForQuery;
import java.io.IOException;
import java.io.InputStream;
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
 * One client turn as a session in transaction pooling lives it: the client's statement is read (the
 * socket then holds nothing more, so the reader waits for the next one), an answer is written and
 * flushed. With {@code pooled} the reader and writer take their buffers from a {@link BufferPool}
 * and give them back while waiting — the price of idle sessions holding no buffer; without, each
 * owns two 8 KiB buffers for its life. In memory, no system calls.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ClientTurnBenchmark {
    @Param({"false", "true"})
    public boolean pooled;

    private PgReader reader;
    private PgWriter writer;

    /** At most one statement per read (a read never crosses into the next), then (for {@link AwaitableInput}) nothing to wait for. */
    private static final class OneStatementPerRead extends InputStream implements AwaitableInput {
        private final byte[] statement;
        private int position;

        OneStatementPerRead(byte[] statement) {
            this.statement = statement;
        }

        @Override
        public void awaitReadable() {
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] target, int offset, int length) {
            int piece = Math.min(length, statement.length - position);
            System.arraycopy(statement, position, target, offset, piece);
            position = (position + piece) % statement.length;
            return piece;
        }
    }

    @Setup
    public void prepare() {
        ByteSink sink = new ByteSink();
        Encoder.encode(Query.of("SELECT abalance FROM pgbench_accounts WHERE aid = 4242;", ClientEncoding.UTF8), sink);
        InputStream in = new OneStatementPerRead(sink.toByteArray());
        if (pooled) {
            BufferPool pool = new BufferPool(8 * 1024, 256);
            reader = new PgReader(in, 1 << 20, pool);
            writer = new PgWriter(OutputStream.nullOutputStream(), pool);
        } else {
            reader = new PgReader(in, 1 << 20, 8 * 1024);
            writer = new PgWriter(OutputStream.nullOutputStream(), 8 * 1024);
        }
    }

    @Benchmark
    public int turn() throws IOException {
        int type = reader.next();
        writer.write(ReadyForQuery.IDLE);
        writer.flush();
        return type;
    }
}
