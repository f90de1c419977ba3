package dev.shardgate.bench.loop;

import dev.shardgate.router.loop.Conduit;
import dev.shardgate.router.loop.EventLoops;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A session's socket turn on the event loops ({@code router/loop}): a virtual thread carried by a
 * loop writes a message through its {@link Conduit} and reads the answer, against a peer on a plain
 * blocking socket that echoes it at once, over loopback TCP. Per round trip: two system calls on
 * each side, the loop's epoll wake-up and the virtual thread's park and resume, as in a pgbench
 * transaction's client turn. {@code -prof gc} shows what the conduit allocates per turn.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class LoopConduitBenchmark {
    private static final int TURNS = 1_000;

    /** Bytes per message each way: a pgbench select's Query, and a larger answer. */
    @Param({"64", "4096"})
    public int size;

    private EventLoops loops;
    private ServerSocketChannel server;
    private Socket peer;
    private Conduit conduit;
    private Thread echo;
    private byte[] message;
    private byte[] answer;

    @Setup(Level.Trial)
    public void connect() throws IOException {
        loops = EventLoops.shared(2);
        if (loops == null) {
            throw new IllegalStateException("the JVM does not grant what the event loops need (see @Fork's arguments)");
        }
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Socket client = SocketChannel.open(server.getLocalAddress()).socket();
        client.setTcpNoDelay(true);
        peer = server.accept().socket();
        peer.setTcpNoDelay(true);
        conduit = Conduit.of(client, loops);
        message = new byte[size];
        answer = new byte[size];
        echo = Thread.ofPlatform().daemon().name("echo").start(this::echo);
    }

    /** The peer: reads {@code size} bytes and writes them back, until the socket closes. */
    private void echo() {
        byte[] buffer = new byte[size];
        try (InputStream in = peer.getInputStream(); OutputStream out = peer.getOutputStream()) {
            while (true) {
                int read = 0;
                while (read < size) {
                    int n = in.read(buffer, read, size - read);
                    if (n < 0) {
                        return;
                    }
                    read += n;
                }
                out.write(buffer, 0, size);
            }
        } catch (IOException e) {
            // the benchmark closed the socket
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException, InterruptedException {
        conduit.close();
        peer.close();
        server.close();
        echo.join(5_000);
    }

    @Benchmark
    @OperationsPerInvocation(TURNS)
    public int roundTrip() throws Exception {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        loops.loop().start("turns", () -> {
            try {
                OutputStream out = conduit.output();
                InputStream in = conduit.input();
                int total = 0;
                for (int turn = 0; turn < TURNS; turn++) {
                    out.write(message, 0, size);
                    out.flush();
                    int read = 0;
                    while (read < size) {
                        int n = in.read(answer, read, size - read);
                        if (n < 0) {
                            throw new IOException("the peer closed");
                        }
                        read += n;
                    }
                    total += read;
                }
                done.complete(total);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
        return done.get(60, TimeUnit.SECONDS);
    }
}
