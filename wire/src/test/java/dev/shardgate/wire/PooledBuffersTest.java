package dev.shardgate.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Readers and writers of idle client sessions hold no buffer of the pool while they wait. */
class PooledBuffersTest {
    private final BufferPool pool = new BufferPool(64, 8);

    /** Bytes given in chunks; before each chunk a reader must wait, and the test notes how many buffers were free then. */
    private final class Chunks extends InputStream implements AwaitableInput {
        private final List<byte[]> chunks;
        private ByteArrayInputStream current = new ByteArrayInputStream(new byte[0]);
        final List<Integer> freeWhileWaiting = new ArrayList<>();

        Chunks(List<byte[]> chunks) {
            this.chunks = new ArrayList<>(chunks);
        }

        @Override
        public void awaitReadable() {
            if (current.available() == 0) {
                freeWhileWaiting.add(pool.free());
                if (!chunks.isEmpty()) {
                    current = new ByteArrayInputStream(chunks.removeFirst());
                }
            }
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (current.available() == 0 && !chunks.isEmpty()) {
                current = new ByteArrayInputStream(chunks.removeFirst());
            }
            return current.available() == 0 ? -1 : current.read(b, off, len);
        }
    }

    private static byte[] query(String sql) {
        ByteSink sink = new ByteSink();
        Encoder.encode(Query.of(sql, ClientEncoding.UTF8), sink);
        return sink.toByteArray();
    }

    @Test
    void aReaderGivesItsBufferBackWhileItWaitsAndFramesMessagesSplitAcrossReads() throws IOException {
        byte[] second = query("select 2");
        Chunks input = new Chunks(List.of(query("select 1"),
                java.util.Arrays.copyOfRange(second, 0, 3), java.util.Arrays.copyOfRange(second, 3, second.length)));
        PgReader reader = new PgReader(input, 1 << 20, pool);

        assertThat(((Query) reader.readFrontend()).sql()).isEqualTo("select 1");
        assertThat(((Query) reader.readFrontend()).sql()).isEqualTo("select 2");
        assertThat(reader.next()).isEqualTo(-1);
        // waiting for the first message, for the second, and for the end: each time with the buffer in the pool
        // (the wait in the middle of the second message keeps it: three bytes were buffered)
        assertThat(input.freeWhileWaiting).containsExactly(0, 1, 1);
    }

    @Test
    void aMessageLargerThanThePoolsBuffersGrowsItsOwnWhichThePoolDoesNotKeep() throws IOException {
        String big = "select '" + "x".repeat(500) + "'";
        Chunks input = new Chunks(List.of(query(big), query("select 3")));
        PgReader reader = new PgReader(input, 1 << 20, pool);

        assertThat(((Query) reader.readFrontend()).sql()).isEqualTo(big);
        assertThat(((Query) reader.readFrontend()).sql()).isEqualTo("select 3");
        reader.next();
        // while waiting for the second message the grown buffer was gone to the collector, not into the pool
        assertThat(input.freeWhileWaiting).containsExactly(0, 0, 1);
    }

    @Test
    void aWriterHoldsABufferOnlyUntilItFlushes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PgWriter writer = new PgWriter(out, pool);
        assertThat(pool.free()).isZero();

        writer.write(ReadyForQuery.IDLE);
        writer.writeRawBytes(query("select 1"), 0, query("select 1").length);
        assertThat(out.size()).isZero();
        writer.flush();
        assertThat(pool.free()).isEqualTo(1);
        writer.write(ReadyForQuery.IDLE);
        assertThat(pool.free()).isZero();
        writer.flush();

        byte[] ready = new byte[] {'Z', 0, 0, 0, 5, 'I'};
        byte[] expected = new ByteArrayOutputStream() {
            {
                writeBytes(ready);
                writeBytes(query("select 1"));
                writeBytes(ready);
            }
        }.toByteArray();
        assertThat(out.toByteArray()).isEqualTo(expected);
        assertThat(pool.free()).isEqualTo(1);
    }
}
