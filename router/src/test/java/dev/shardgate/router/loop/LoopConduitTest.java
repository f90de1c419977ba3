package dev.shardgate.router.loop;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Sockets driven by the event loops, against plain blocking sockets on the other end: what a
 * session sees through the streams must be what a socket's own streams give.
 */
class LoopConduitTest {
    private static EventLoops loops;
    private ServerSocketChannel server;
    private Socket peer;
    private Conduit conduit;

    @BeforeAll
    static void loops() {
        loops = EventLoops.shared(2);
        assertThat(loops).as("the test JVM grants what the event loops need (pom test.jvm.args)").isNotNull();
    }

    /** A connected pair: the conduit on the loops, the peer a plain blocking socket. */
    private void connect() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Socket client = SocketChannel.open(server.getLocalAddress()).socket();
        peer = server.accept().socket();
        conduit = Conduit.of(client, loops);
        assertThat(conduit).isInstanceOf(LoopConduit.class);
    }

    @AfterEach
    void close() throws IOException {
        if (conduit != null) {
            conduit.close();
        }
        if (peer != null) {
            peer.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** Runs on a virtual thread carried by the next loop and returns what it returned (or threw). */
    private static <T> T onLoop(Task<T> task) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        loops.loop().start("test", () -> {
            try {
                result.complete(task.run());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** One byte read by a virtual thread of the next loop, which waits for it there. */
    private CompletableFuture<Integer> readOnNextLoop() {
        CompletableFuture<Integer> read = new CompletableFuture<>();
        loops.loop().start("reader", () -> {
            try {
                read.complete(conduit.input().read());
            } catch (IOException e) {
                read.completeExceptionally(e);
            }
        });
        return read;
    }

    interface Task<T> {
        T run() throws Exception;
    }

    @Test
    void aThreadOnALoopKnowsItsLoopAndSleepsAndWakesThere() throws Exception {
        EventLoop loop = onLoop(() -> {
            EventLoop before = EventLoop.current();
            Thread.sleep(20);
            assertThat(EventLoop.current()).isSameAs(before);
            return before;
        });
        assertThat(loop).isNotNull();
        assertThat(EventLoop.current()).as("a thread on no loop").isNull();
    }

    @Test
    void blockingCallsRunOffTheLoopAndTheirFailuresReachTheCaller() throws Exception {
        Thread[] ranOn = new Thread[1];
        String answer = onLoop(() -> EventLoops.offLoop(() -> {
            ranOn[0] = Thread.currentThread();
            return EventLoop.current() == null ? "off the loop" : "on a loop";
        }));
        assertThat(answer).isEqualTo("off the loop");
        assertThat(ranOn[0].getName()).isEqualTo("off-loop");
        assertThatThrownBy(() -> onLoop(() -> EventLoops.offLoop(() -> {
            throw new IllegalStateException("disk full");
        }))).isInstanceOf(IllegalStateException.class).hasMessage("disk full");
        assertThat(EventLoops.offLoop(() -> Thread.currentThread())).as("off a loop it runs in place")
                .isSameAs(Thread.currentThread());
    }

    @Test
    void bytesTravelBothWaysInEitherSizeAndTheEndReadsAsMinusOne() throws Exception {
        connect();
        byte[] large = new byte[8 << 20]; // far more than the socket buffers: the writer must wait for room
        new Random(7).nextBytes(large);
        CompletableFuture<byte[]> echoed = CompletableFuture.supplyAsync(() -> {
            try {
                InputStream in = peer.getInputStream();
                byte[] all = in.readNBytes(large.length);
                peer.getOutputStream().write(all);
                peer.shutdownOutput();
                return all;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        byte[] back = onLoop(() -> {
            OutputStream out = conduit.output();
            InputStream in = conduit.input();
            // write and read at once, as a relay does, so neither side's buffers fill for good
            CompletableFuture<Void> written = new CompletableFuture<>();
            EventLoops.startVirtual("writer", () -> {
                try {
                    out.write(large);
                    written.complete(null);
                } catch (IOException e) {
                    written.completeExceptionally(e);
                }
            });
            byte[] all = in.readNBytes(large.length);
            assertThat(in.read()).as("after the peer's end").isEqualTo(-1);
            written.get(30, TimeUnit.SECONDS);
            return all;
        });
        assertThat(Arrays.equals(echoed.get(30, TimeUnit.SECONDS), large)).isTrue();
        assertThat(Arrays.equals(back, large)).isTrue();
    }

    @Test
    void theEndThatArrivesWithTheLastBytesIsSeenAfterAShortRead() throws Exception {
        connect();
        int[] reads = onLoop(() -> {
            InputStream in = conduit.input();
            CompletableFuture.runAsync(() -> send(new byte[] {1}, false), CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
            int first = in.read(); // waits: the socket is watched by this loop from here on
            // data and the end arrive before the reader looks again: the loop has counted their edges,
            // and a short read empties the socket of bytes but not of its end
            send(new byte[] {2, 3, 4}, true);
            Thread.sleep(100);
            byte[] buffer = new byte[100];
            int second = in.read(buffer, 0, buffer.length);
            conduit.readTimeout(3_000); // a lost end fails here, not after the test's 30 s
            return new int[] {first, second, in.read(buffer, 0, buffer.length)};
        });
        assertThat(reads).containsExactly(1, 3, -1);
    }

    @Test
    void anEndThatComesWhileTheReaderWaitsAfterAShortReadIsSeen() throws Exception {
        connect();
        int[] reads = onLoop(() -> {
            InputStream in = conduit.input();
            byte[] buffer = new byte[8192];
            CompletableFuture.runAsync(() -> send(new byte[] {1, 2, 3}, false), CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
            int first = in.read(buffer, 0, buffer.length);
            CompletableFuture.runAsync(() -> send(new byte[0], true), CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
            return new int[] {first, in.read(buffer, 0, buffer.length)};
        });
        assertThat(reads).containsExactly(3, -1);
    }

    @Test
    void aPeerThatResetsTheConnectionEndsAWaitingRead() throws Exception {
        connect();
        peer.setSoLinger(true, 0); // close sends RST
        assertThatThrownBy(() -> onLoop(() -> {
            InputStream in = conduit.input();
            CompletableFuture.runAsync(() -> send(new byte[] {1}, false), CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
            assertThat(in.read()).isEqualTo(1);
            send(new byte[] {5, 6}, false);
            peer.close();
            Thread.sleep(100);
            byte[] buffer = new byte[100];
            int read;
            do {
                read = in.read(buffer, 0, buffer.length);
            } while (read > 0);
            return read;
        })).as("a reset is an error, not a wait").isInstanceOf(SocketException.class);
    }

    /** Writes from the peer's side, then ends its output if asked. */
    private void send(byte[] bytes, boolean end) {
        try {
            peer.getOutputStream().write(bytes);
            if (end) {
                peer.shutdownOutput();
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aReadWaitsForDataThatComesLater() throws Exception {
        connect();
        CompletableFuture<Integer> read = readOnNextLoop();
        Thread.sleep(100);
        assertThat(read).isNotDone();
        peer.getOutputStream().write(42);
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(42);
    }

    @Test
    void aReadTimeoutEndsTheWaitAsASocketDoes() throws Exception {
        connect();
        conduit.readTimeout(150);
        long started = System.nanoTime();
        assertThatThrownBy(() -> onLoop(() -> conduit.input().read())).isInstanceOf(SocketTimeoutException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isBetween(140L, 5_000L);
        conduit.readTimeout(0);
        peer.getOutputStream().write(7);
        assertThat(onLoop(() -> conduit.input().read())).as("the conduit still reads after a timeout").isEqualTo(7);
    }

    @Test
    void closingFromAnotherThreadWakesAParkedReader() throws Exception {
        connect();
        CompletableFuture<Integer> read = readOnNextLoop();
        Thread.sleep(100);
        conduit.close();
        assertThat(conduit.isClosed()).isTrue();
        assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(SocketException.class);
        assertThatThrownBy(() -> conduit.output().write(1)).isInstanceOf(SocketException.class);
    }

    @Test
    void aSocketMovesBetweenLoopsAndServesThreadsOnNoLoop() throws Exception {
        connect();
        OutputStream toConduit = peer.getOutputStream();
        for (int value = 0; value < 6; value++) {
            // the next loop each time: the socket leaves one epoll set for the other while a read waits
            CompletableFuture<Integer> read = readOnNextLoop();
            Thread.sleep(20);
            toConduit.write(value);
            assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo(value);
        }
        CompletableFuture<Integer> onNoLoop = CompletableFuture.supplyAsync(() -> {
            try {
                return conduit.input().read();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(20);
        toConduit.write(99);
        assertThat(onNoLoop.get(10, TimeUnit.SECONDS)).isEqualTo(99);
    }

    @Test
    void availableSeesBytesThatArrivedAndNoneAfterTheyAreRead() throws Exception {
        connect();
        InputStream in = conduit.input();
        peer.getOutputStream().write(new byte[] {1, 2, 3});
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (in.available() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(in.available()).isEqualTo(3);
        assertThat(onLoop(() -> in.readNBytes(3))).containsExactly(1, 2, 3);
        assertThat(in.available()).isZero();
    }

    /**
     * Every session shares the loop's carriers: one held by a thread that does not yield (a long
     * computation, a call that pins it) leaves another carrier to serve the socket that comes ready.
     */
    @Test
    void aCarrierHeldByABusyThreadLeavesTheOtherToServeASocket() throws Exception {
        connect();
        java.util.concurrent.atomic.AtomicBoolean served = new java.util.concurrent.atomic.AtomicBoolean();
        CompletableFuture<Boolean> busyUntilServed = new CompletableFuture<>();
        loops.loop().start("busy", () -> {
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!served.get() && System.nanoTime() < giveUp) {
                Thread.onSpinWait(); // holds its carrier: no park, no yield
            }
            busyUntilServed.complete(served.get());
        });
        CompletableFuture<Integer> read = readOnNextLoop();
        peer.getOutputStream().write(42);
        assertThat(read.get(20, TimeUnit.SECONDS)).isEqualTo(42);
        served.set(true);
        assertThat(busyUntilServed.get(20, TimeUnit.SECONDS)).as("the read was served while the busy thread held its carrier")
                .isTrue();
    }
}
