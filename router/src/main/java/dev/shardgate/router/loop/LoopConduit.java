package dev.shardgate.router.loop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandle;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A non-blocking socket channel read and written by blocking-style streams. A read or write that
 * cannot proceed parks the calling thread until the event loop watching the socket sees an edge
 * for it. The socket is watched by the loop of the first thread that has to wait on it and moves
 * to another loop's set when a thread of that loop waits on it (a pooled backend serves sessions
 * of every loop). Edges are counted, so an edge that comes between a failed read and the park is
 * not lost; a read that returned less than it asked for emptied the socket of bytes, so the next
 * read waits for the next edge without trying — unless an edge said the peer's end (or an error)
 * has come: that edge may have come with the last bytes, and no other follows it, so from then on
 * every read tries the socket.
 *
 * <p>One reader and one writer at a time, as with a socket's streams; {@link #close()} from any
 * thread wakes both.
 */
public final class LoopConduit implements Conduit {
    private static MethodHandle descriptorOf;
    private static final ReentrantLock REGISTRY_LOCK = new ReentrantLock();
    private static volatile LoopConduit[] byDescriptor = new LoopConduit[1024];

    private final Socket socket;
    private final SocketChannel channel;
    private final int fd;
    private final EventLoops loops;
    private final ReentrantLock watchLock = new ReentrantLock();
    private volatile EventLoop watchedBy;
    private volatile boolean closed;

    private final Edges readable = new Edges();
    private int readEdgesSeen;
    private boolean readDrained;
    /** Set by a loop when an edge carried the peer's end of stream, a hang-up or an error; never cleared. */
    private volatile boolean readEnded;
    private long readTimeoutNanos;

    private final Edges writable = new Edges();
    /** The last buffers read into and written from, viewed again instead of wrapped anew per call. */
    private ByteBuffer readView;
    private ByteBuffer writeView;

    private final Input input = new Input();
    private final Output output = new Output();

    private LoopConduit(Socket socket, SocketChannel channel, int fd, EventLoops loops) {
        this.socket = socket;
        this.channel = channel;
        this.fd = fd;
        this.loops = loops;
    }

    static void descriptorOf(MethodHandle handle) {
        descriptorOf = handle;
    }

    static LoopConduit open(Socket socket, EventLoops loops) throws IOException {
        SocketChannel channel = socket.getChannel();
        channel.configureBlocking(false);
        int fd;
        try {
            fd = (int) descriptorOf.invoke(channel);
        } catch (Throwable e) {
            throw new IOException("cannot read the descriptor of " + channel, e);
        }
        LoopConduit conduit = new LoopConduit(socket, channel, fd, loops);
        register(fd, conduit);
        return conduit;
    }

    /** Called by a loop for an event on {@code fd}. */
    static void fire(int fd, int events) {
        LoopConduit[] table = byDescriptor;
        LoopConduit conduit = fd < table.length ? table[fd] : null;
        if (conduit == null) {
            return;
        }
        if ((events & (Epoll.EPOLLRDHUP | Epoll.EPOLLERR | Epoll.EPOLLHUP)) != 0) {
            conduit.readEnded = true; // before the edge counts, so the woken reader sees it
        }
        if ((events & (Epoll.EPOLLIN | Epoll.EPOLLRDHUP | Epoll.EPOLLERR | Epoll.EPOLLHUP)) != 0) {
            conduit.readable.fire();
        }
        if ((events & (Epoll.EPOLLOUT | Epoll.EPOLLERR | Epoll.EPOLLHUP)) != 0) {
            conduit.writable.fire();
        }
    }

    private static void register(int fd, LoopConduit conduit) {
        REGISTRY_LOCK.lock();
        try {
            LoopConduit[] table = byDescriptor;
            if (fd >= table.length) {
                LoopConduit[] grown = new LoopConduit[Math.max(fd + 1, table.length * 2)];
                System.arraycopy(table, 0, grown, 0, table.length);
                table = grown;
            }
            table[fd] = conduit;
            byDescriptor = table;
        } finally {
            REGISTRY_LOCK.unlock();
        }
    }

    private static void unregister(int fd, LoopConduit conduit) {
        REGISTRY_LOCK.lock();
        try {
            LoopConduit[] table = byDescriptor;
            if (fd < table.length && table[fd] == conduit) {
                table[fd] = null;
            }
        } finally {
            REGISTRY_LOCK.unlock();
        }
    }

    @Override
    public InputStream input() {
        return input;
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void readTimeout(int millis) throws SocketException {
        if (millis < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        readTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void shutdownInput() throws IOException {
        try {
            channel.shutdownInput();
        } catch (ClosedChannelException e) {
            return; // closed already: readers have been woken
        }
        readEnded = true; // from now on every read tries the socket, and gets its end
        readable.fire(); // counted, so a reader about to park does not miss it
    }

    @Override
    public SocketAddress remoteAddress() {
        return socket.getRemoteSocketAddress();
    }

    /** The loop whose epoll set watches this socket now, or null before anyone waited on it. */
    public EventLoop watchedBy() {
        return watchedBy;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        unregister(fd, this);
        try {
            channel.close(); // the kernel drops a closed descriptor from its epoll set
        } finally {
            readable.wake();
            writable.wake();
        }
    }

    /** Puts the socket in the waiting thread's loop's set (or any loop's, for a thread on none). */
    private void watchFromHere() throws IOException {
        EventLoop here = EventLoop.current();
        EventLoop current = watchedBy;
        if (current != null && (here == null || here == current)) {
            return;
        }
        watchLock.lock();
        try {
            EventLoop target = here != null ? here : loops.loop();
            if (watchedBy == target || closed) {
                return;
            }
            if (watchedBy != null) {
                watchedBy.unwatch(fd);
            }
            target.watch(fd); // reports the present readiness as an edge at once
            watchedBy = target;
        } finally {
            watchLock.unlock();
        }
    }

    private int read(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        long deadline = readTimeoutNanos > 0 ? System.nanoTime() + readTimeoutNanos : 0;
        ByteBuffer into = readView = view(readView, bytes, offset, length);
        while (true) {
            int edges = readable.count;
            if (!(readDrained && edges == readEdgesSeen) || readEnded) {
                int read;
                try {
                    read = channel.read(into);
                } catch (ClosedChannelException e) {
                    throw new SocketException("Socket closed");
                }
                if (read != 0) {
                    readDrained = read > 0 && read < length;
                    readEdgesSeen = edges;
                    return read;
                }
            }
            readEdgesSeen = edges;
            readDrained = true;
            if (closed) {
                throw new SocketException("Socket closed");
            }
            watchFromHere();
            if (!readable.await(edges, deadline)) {
                throw new SocketTimeoutException("Read timed out");
            }
            readDrained = false;
        }
    }

    private void write(byte[] bytes, int offset, int length) throws IOException {
        ByteBuffer from = writeView = view(writeView, bytes, offset, length);
        while (from.hasRemaining()) {
            int edges = writable.count;
            int written;
            try {
                written = channel.write(from);
            } catch (ClosedChannelException e) {
                throw new SocketException("Socket closed");
            }
            if (written > 0) {
                continue;
            }
            if (closed) {
                throw new SocketException("Socket closed");
            }
            watchFromHere();
            writable.await(edges, 0);
        }
    }

    /** {@code bytes[offset, offset + length)} as a buffer: {@code last} again when it wraps the same array. */
    private static ByteBuffer view(ByteBuffer last, byte[] bytes, int offset, int length) {
        if (last == null || last.array() != bytes) {
            return ByteBuffer.wrap(bytes, offset, length);
        }
        last.clear();
        return last.position(offset).limit(offset + length);
    }

    /** The edges a loop saw in one direction of the socket, and the thread waiting for the next. */
    private final class Edges {
        volatile int count;
        volatile Thread waiter;

        /** Called by a loop: one more edge; the waiting thread, if any, runs again. */
        void fire() {
            count++;
            wake();
        }

        void wake() {
            Thread waiting = waiter;
            if (waiting != null) {
                LockSupport.unpark(waiting);
            }
        }

        /**
         * Parks unless an edge came after {@code seen} or the socket closed, until the next one (or a
         * close, or a spurious wake-up). False when {@code deadline} (0: none) has passed.
         */
        boolean await(int seen, long deadline) {
            waiter = Thread.currentThread();
            try {
                if (count == seen && !closed) {
                    if (deadline == 0) {
                        LockSupport.park(LoopConduit.this);
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            return false;
                        }
                        LockSupport.parkNanos(LoopConduit.this, left);
                    }
                }
                return true;
            } finally {
                waiter = null;
            }
        }
    }

    @Override
    public String toString() {
        return "LoopConduit[" + socket.getRemoteSocketAddress() + ", fd " + fd + "]";
    }

    /** See {@link Input#awaitReadable()}. */
    private void awaitReadable() throws IOException {
        long deadline = readTimeoutNanos > 0 ? System.nanoTime() + readTimeoutNanos : 0;
        while (true) {
            int edges = readable.count;
            if (!(readDrained && edges == readEdgesSeen) || readEnded || closed) {
                return; // a read would try the socket: let it
            }
            // the session waits without buffers: the views must not hold on to the ones it gave back
            readView = null;
            writeView = null;
            watchFromHere();
            if (!readable.await(edges, deadline)) {
                throw new SocketTimeoutException("Read timed out");
            }
        }
    }

    private final class Input extends InputStream implements dev.shardgate.wire.AwaitableInput {
        /**
         * Parks, without reading, while the last read emptied the socket and no edge came since: the
         * wait a read would make, without a buffer held for it.
         */
        @Override
        public void awaitReadable() throws IOException {
            LoopConduit.this.awaitReadable();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int read = LoopConduit.this.read(one, 0, 1);
            return read < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
            return LoopConduit.this.read(bytes, offset, length);
        }

        /**
         * Nothing, without a system call, when the last read emptied the socket and its loop has seen
         * no edge since; else what FIONREAD says. Like FIONREAD itself this is a snapshot: bytes on
         * their way are not counted.
         */
        @Override
        public int available() {
            if (closed || (readDrained && readable.count == readEdgesSeen && watchedBy != null && !readEnded)) {
                return 0;
            }
            return Epoll.readable(fd);
        }

        @Override
        public void close() throws IOException {
            LoopConduit.this.close();
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            LoopConduit.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
            LoopConduit.this.write(bytes, offset, length);
        }

        @Override
        public void close() throws IOException {
            LoopConduit.this.close();
        }
    }
}
