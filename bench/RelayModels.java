import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The cost of an I/O model, without the router's logic: a transaction-pooling relay of
 * {@code pgbench -S -M simple} to one PostgreSQL (trust, user and database {@code bench}), in three
 * models. Compare their CPU per transaction with PgBouncer's and the router's (bench/README.md).
 *
 * <pre>
 *   java RelayModels.java blocking PORT PGHOST PGPORT POOL   # virtual thread per client, blocking sockets (the router's model)
 *   java RelayModels.java selector PORT PGHOST PGPORT POOL   # one thread, java.nio Selector, non-blocking sockets
 *   java --add-opens java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED \
 *        RelayModels.java edge PORT PGHOST PGPORT POOL       # virtual threads woken by an edge-triggered epoll thread
 * </pre>
 *
 * Only what that workload needs: one Query per transaction, the backend goes back to the pool at
 * ReadyForQuery, the greeting is the first backend's.
 */
public final class RelayModels {
    private static final int SSL_REQUEST_CODE = 80877103;
    private static String pgHost;
    private static int pgPort;
    /** AuthenticationOk, ParameterStatus…, BackendKeyData and ReadyForQuery as the first backend sent them. */
    private static byte[] greeting;

    public static void main(String[] args) throws Throwable {
        String model = args[0];
        int port = Integer.parseInt(args[1]);
        pgHost = args[2];
        pgPort = Integer.parseInt(args[3]);
        int pool = Integer.parseInt(args[4]);
        greeting = login(SocketChannel.open(new InetSocketAddress(pgHost, pgPort)));
        switch (model) {
            case "blocking" -> Blocking.run(port, pool);
            case "selector" -> SelectorLoop.run(port, pool);
            case "edge" -> EdgeTriggered.run(port, pool);
            case "loop" -> Loops.run(port, pool, args.length > 5 ? Integer.parseInt(args[5]) : 2);
            default -> throw new IllegalArgumentException("model: blocking, selector or edge");
        }
    }

    /** Logs in (blocking) and returns what the server sent up to ReadyForQuery. */
    private static byte[] login(SocketChannel channel) throws IOException {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.write(ByteBuffer.wrap(startupPacket()));
        ByteBuffer answer = ByteBuffer.allocate(8192);
        while (true) {
            if (channel.read(answer) < 0) {
                throw new EOFException("server closed during login");
            }
            int end = wholeMessages(answer, 0, answer.position());
            if (end > 0 && answer.get(lastMessageStart(answer, end)) == 'Z') {
                byte[] bytes = new byte[end];
                answer.get(0, bytes);
                return bytes;
            }
        }
    }

    private static byte[] startupPacket() {
        byte[] fields = "user\0bench\0database\0bench\0\0".getBytes(StandardCharsets.UTF_8);
        ByteBuffer packet = ByteBuffer.allocate(8 + fields.length);
        packet.putInt(8 + fields.length).putInt(196608).put(fields);
        return packet.array();
    }

    /** End of the whole messages in buffer[from, limit). */
    private static int wholeMessages(ByteBuffer buffer, int from, int limit) {
        int at = from;
        while (limit - at >= 5) {
            int length = buffer.getInt(at + 1);
            if (limit - at < 1 + length) {
                break;
            }
            at += 1 + length;
        }
        return at;
    }

    private static int lastMessageStart(ByteBuffer buffer, int end) {
        int at = 0;
        int last = 0;
        while (at < end) {
            last = at;
            at += 1 + buffer.getInt(at + 1);
        }
        return last;
    }

    /** True when buffer[0, end) ends with ReadyForQuery. */
    private static boolean endsWithReadyForQuery(ByteBuffer buffer, int end) {
        return end > 0 && buffer.get(lastMessageStart(buffer, end)) == 'Z';
    }

    /** Skips an SSLRequest (answering 'N') and reads the startup packet. */
    private static void readStartup(DataInputStream in, OutputStream out) throws IOException {
        while (true) {
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            if (ByteBuffer.wrap(body).getInt() != SSL_REQUEST_CODE) {
                return;
            }
            out.write('N');
            out.flush();
        }
    }

    /** Backends in LIFO order, shared by the clients' threads. */
    private static final class Pool<T> {
        private final ArrayDeque<T> idle = new ArrayDeque<>();
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition released = lock.newCondition();

        T acquire() {
            lock.lock();
            try {
                T backend;
                while ((backend = idle.pollLast()) == null) {
                    released.awaitUninterruptibly();
                }
                return backend;
            } finally {
                lock.unlock();
            }
        }

        void release(T backend) {
            lock.lock();
            try {
                idle.addLast(backend);
                released.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    /** The router's model: a virtual thread per client, blocking reads and writes. */
    private static final class Blocking {
        private static final Pool<Socket> pool = new Pool<>();

        static void run(int port, int size) throws IOException {
            for (int i = 0; i < size; i++) {
                Socket backend = new Socket(pgHost, pgPort);
                backend.setTcpNoDelay(true);
                backend.getOutputStream().write(startupPacket());
                drainLogin(backend.getInputStream());
                pool.release(backend);
            }
            ServerSocket server = new ServerSocket(port, 1024, InetAddress.getLoopbackAddress());
            System.out.println("ready");
            while (true) {
                Socket client = server.accept();
                client.setTcpNoDelay(true);
                Thread.ofVirtual().start(() -> {
                    try (client) {
                        serve(client);
                    } catch (IOException ignored) {
                        // the client left
                    }
                });
            }
        }

        private static void drainLogin(InputStream in) throws IOException {
            DataInputStream data = new DataInputStream(in);
            while (true) {
                int type = data.read();
                byte[] body = new byte[data.readInt() - 4];
                data.readFully(body);
                if (type == 'Z') {
                    return;
                }
            }
        }

        private static void serve(Socket client) throws IOException {
            InputStream fromClient = client.getInputStream();
            OutputStream toClient = client.getOutputStream();
            readStartup(new DataInputStream(fromClient), toClient);
            toClient.write(greeting);
            ByteBuffer request = ByteBuffer.allocate(8192);
            ByteBuffer answer = ByteBuffer.allocate(16384);
            while (true) {
                int end;
                while ((end = wholeMessages(request, 0, request.position())) == 0) {
                    int read = fromClient.read(request.array(), request.position(), request.remaining());
                    if (read < 0) {
                        return;
                    }
                    request.position(request.position() + read);
                }
                if (request.get(0) == 'X') {
                    return;
                }
                Socket backend = pool.acquire();
                backend.getOutputStream().write(request.array(), 0, end);
                request.clear();
                InputStream fromBackend = backend.getInputStream();
                answer.clear();
                while (true) {
                    int read = fromBackend.read(answer.array(), answer.position(), answer.remaining());
                    if (read < 0) {
                        throw new EOFException("server closed");
                    }
                    answer.position(answer.position() + read);
                    int whole = wholeMessages(answer, 0, answer.position());
                    if (whole == answer.position() && endsWithReadyForQuery(answer, whole)) {
                        break;
                    }
                }
                toClient.write(answer.array(), 0, answer.position());
                pool.release(backend);
            }
        }
    }

    /** PgBouncer's model in Java: one thread, one Selector, every socket non-blocking and always read-interested. */
    private static final class SelectorLoop {
        private static final class Connection {
            final SocketChannel channel;
            final boolean isClient;
            final ByteBuffer in = ByteBuffer.allocateDirect(16384);
            Connection peer;
            boolean loggedIn;

            Connection(SocketChannel channel, boolean isClient) {
                this.channel = channel;
                this.isClient = isClient;
            }
        }

        private static final ArrayDeque<Connection> idle = new ArrayDeque<>();
        private static final ArrayDeque<Connection> waiting = new ArrayDeque<>();

        static void run(int port, int size) throws IOException {
            Selector selector = Selector.open();
            for (int i = 0; i < size; i++) {
                SocketChannel channel = SocketChannel.open(new InetSocketAddress(pgHost, pgPort));
                login(channel);
                channel.configureBlocking(false);
                Connection backend = new Connection(channel, false);
                channel.register(selector, SelectionKey.OP_READ, backend);
                idle.add(backend);
            }
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            System.out.println("ready");
            while (true) {
                selector.select();
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    try {
                        if (key.isAcceptable()) {
                            SocketChannel channel = server.accept();
                            if (channel != null) {
                                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                                channel.configureBlocking(false);
                                channel.register(selector, SelectionKey.OP_READ, new Connection(channel, true));
                            }
                        } else if (key.isReadable()) {
                            Connection c = (Connection) key.attachment();
                            if (c.channel.read(c.in) < 0) {
                                throw new EOFException();
                            }
                            if (c.isClient) {
                                fromClient(c);
                            } else {
                                fromBackend(c);
                            }
                        }
                    } catch (IOException e) {
                        key.cancel();
                        ((Connection) key.attachment()).channel.close();
                    }
                }
            }
        }

        private static void fromClient(Connection client) throws IOException {
            ByteBuffer in = client.in;
            if (!client.loggedIn) {
                if (in.position() < 8 || in.position() < in.getInt(0)) {
                    return;
                }
                boolean sslRequest = in.getInt(4) == SSL_REQUEST_CODE;
                in.clear();
                client.loggedIn = !sslRequest;
                writeAll(client.channel, ByteBuffer.wrap(sslRequest ? new byte[] {'N'} : greeting));
                return;
            }
            if (wholeMessages(in, 0, in.position()) == 0) {
                return;
            }
            if (in.get(0) == 'X') {
                client.channel.close();
                return;
            }
            if (client.peer == null) {
                Connection backend = idle.pollLast();
                if (backend == null) {
                    waiting.add(client); // sent when a backend comes back
                    return;
                }
                client.peer = backend;
                backend.peer = client;
            }
            forwardWhole(client);
        }

        private static void fromBackend(Connection backend) throws IOException {
            int end = wholeMessages(backend.in, 0, backend.in.position());
            boolean idleAgain = endsWithReadyForQuery(backend.in, end) && backend.in.get(end - 1) == 'I';
            Connection client = backend.peer;
            forwardWhole(backend);
            if (idleAgain) {
                client.peer = null;
                Connection next = waiting.pollFirst();
                if (next == null) {
                    backend.peer = null;
                    idle.addLast(backend);
                } else {
                    next.peer = backend;
                    backend.peer = next;
                    forwardWhole(next);
                }
            }
        }

        /** Writes the whole messages in {@code from}'s buffer to its peer and keeps the rest. */
        private static void forwardWhole(Connection from) throws IOException {
            ByteBuffer in = from.in;
            int end = wholeMessages(in, 0, in.position());
            writeAll(from.peer.channel, in.duplicate().position(0).limit(end));
            in.limit(in.position()).position(end);
            in.compact();
        }

        private static void writeAll(SocketChannel channel, ByteBuffer bytes) throws IOException {
            while (bytes.hasRemaining()) {
                if (channel.write(bytes) == 0) {
                    Thread.onSpinWait(); // a full socket buffer: not with this workload's small messages
                }
            }
        }
    }

    /**
     * Virtual threads as in the router, but over non-blocking channels registered once with an
     * edge-triggered epoll that a platform thread waits on: no failed read and no epoll_ctl per wait,
     * which the JDK's poller pays, but a thread hop from the epoll thread to a carrier per wake-up.
     */
    private static final class EdgeTriggered {
        private static final int EPOLLIN = 0x1;
        private static final int EPOLLET = 0x80000000;
        private static final int EPOLL_CTL_ADD = 1;
        private static final int EVENT_SIZE = 12; // struct epoll_event is packed on x86-64
        private static final Linker LINKER = Linker.nativeLinker();
        private static final MethodHandle EPOLL_CREATE = libc("epoll_create1",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        private static final MethodHandle EPOLL_CTL = libc("epoll_ctl", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        private static final MethodHandle EPOLL_WAIT = libc("epoll_wait", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        private static final Readiness[] byDescriptor = new Readiness[65536];
        private static final Pool<Object[]> pool = new Pool<>();
        private static int epoll;

        /** What the epoll thread tells a reader: edges seen on the socket, and who waits for the next. */
        static class Readiness {
            volatile Thread waiter;
            volatile int edges;
            int edgesAtLastRead;
            boolean drained;
        }

        static MethodHandle libc(String name, FunctionDescriptor descriptor) {
            return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
        }

        static void run(int port, int size) throws Throwable {
            epoll = (int) EPOLL_CREATE.invokeExact(0);
            for (int i = 0; i < size; i++) {
                SocketChannel channel = SocketChannel.open(new InetSocketAddress(pgHost, pgPort));
                login(channel);
                pool.release(new Object[] {channel, register(channel), ByteBuffer.allocateDirect(16384)});
            }
            Thread.ofPlatform().daemon().name("epoll").start(EdgeTriggered::waitForEdges);
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
            System.out.println("ready");
            while (true) {
                SocketChannel client = server.accept();
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Thread.ofVirtual().start(() -> {
                    try (client) {
                        serve(client);
                    } catch (Throwable ignored) {
                        // the client left
                    }
                });
            }
        }

        private static Readiness register(SocketChannel channel) throws Throwable {
            channel.configureBlocking(false);
            int descriptor = (int) Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal").invoke(channel);
            Readiness readiness = new Readiness();
            byDescriptor[descriptor] = readiness;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment event = arena.allocate(EVENT_SIZE);
                event.set(ValueLayout.JAVA_INT_UNALIGNED, 0, EPOLLIN | EPOLLET);
                event.set(ValueLayout.JAVA_LONG_UNALIGNED, 4, descriptor);
                if ((int) EPOLL_CTL.invokeExact(epoll, EPOLL_CTL_ADD, descriptor, event) != 0) {
                    throw new IOException("epoll_ctl failed");
                }
            }
            return readiness;
        }

        private static void waitForEdges() {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment events = arena.allocate(EVENT_SIZE * 256L);
                while (true) {
                    int count = (int) EPOLL_WAIT.invokeExact(epoll, events, 256, -1);
                    for (int i = 0; i < count; i++) {
                        int descriptor = (int) events.get(ValueLayout.JAVA_LONG_UNALIGNED, (long) EVENT_SIZE * i + 4);
                        fire(byDescriptor[descriptor]);
                    }
                }
            } catch (Throwable e) {
                e.printStackTrace();
            }
        }

        /** An edge on a socket: counted, and the thread waiting for it (if any) woken. */
        static void fire(Readiness readiness) {
            readiness.edges++;
            Thread waiter = readiness.waiter;
            if (waiter != null) {
                readiness.waiter = null;
                LockSupport.unpark(waiter);
            }
        }

        /**
         * Reads at least one byte, or -1. A read that returned less than asked emptied the socket, so
         * until the next edge the next read waits without trying.
         */
        static int read(SocketChannel channel, Readiness readiness, ByteBuffer into) throws IOException {
            while (true) {
                int edges = readiness.edges;
                if (!(readiness.drained && edges == readiness.edgesAtLastRead)) {
                    int wanted = into.remaining();
                    int read = channel.read(into);
                    if (read != 0) {
                        readiness.drained = read < wanted;
                        readiness.edgesAtLastRead = edges;
                        return read;
                    }
                }
                readiness.edgesAtLastRead = edges;
                readiness.drained = true;
                readiness.waiter = Thread.currentThread();
                if (readiness.edges == edges) {
                    LockSupport.park();
                }
                readiness.waiter = null;
                readiness.drained = false;
            }
        }

        private static void serve(SocketChannel client) throws Throwable {
            readStartup(new DataInputStream(Channels.newInputStream(client)), Channels.newOutputStream(client));
            client.write(ByteBuffer.wrap(greeting));
            relay(client, register(client), pool, EdgeTriggered::read);
        }

        /** How a model reads a non-blocking socket: at least one byte, or -1. */
        interface Reader {
            int read(SocketChannel channel, Readiness readiness, ByteBuffer into) throws Throwable;
        }

        /** One Query at a time from the client to a pooled backend, and its answers back, until Terminate. */
        static void relay(SocketChannel client, Readiness clientReadiness, Pool<Object[]> backends, Reader reader)
                throws Throwable {
            ByteBuffer request = ByteBuffer.allocateDirect(8192);
            while (true) {
                while (wholeMessages(request, 0, request.position()) == 0) {
                    if (reader.read(client, clientReadiness, request) < 0) {
                        return;
                    }
                }
                if (request.get(0) == 'X') {
                    return;
                }
                Object[] backend = backends.acquire();
                SocketChannel channel = (SocketChannel) backend[0];
                Readiness readiness = (Readiness) backend[1];
                ByteBuffer answer = (ByteBuffer) backend[2];
                SelectorLoop.writeAll(channel, request.flip());
                request.clear();
                boolean done = false;
                while (!done) {
                    if (reader.read(channel, readiness, answer) < 0) {
                        throw new EOFException("server closed");
                    }
                    int end = wholeMessages(answer, 0, answer.position());
                    done = endsWithReadyForQuery(answer, end);
                    SelectorLoop.writeAll(client, answer.duplicate().position(0).limit(end));
                    answer.limit(answer.position()).position(end);
                    answer.compact();
                }
                backends.release(backend);
            }
        }
    }

    /**
     * Virtual threads whose carriers are event loops: each loop thread runs its sessions'
     * continuations and, when none is runnable, waits in its own edge-triggered epoll for their
     * sockets. A wake-up of a session by its own loop is a queue push, with no thread hop.
     */
    private static final class Loops {
        private static final int EPOLLIN = 0x1;
        private static final int EPOLLET = 0x80000000;
        private static final int EPOLL_CTL_ADD = 1;
        private static final int EPOLL_CTL_DEL = 2;
        private static final int EVENT_SIZE = 12;
        private static final Linker LINKER = Linker.nativeLinker();
        private static final MethodHandle EPOLL_CREATE = EdgeTriggered.libc("epoll_create1",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        private static final MethodHandle EPOLL_CTL = EdgeTriggered.libc("epoll_ctl", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        private static final MethodHandle EPOLL_WAIT = EdgeTriggered.libc("epoll_wait", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        private static final MethodHandle EVENTFD = EdgeTriggered.libc("eventfd",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        private static final MethodHandle WRITE = EdgeTriggered.libc("write", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        private static final MethodHandle READ = EdgeTriggered.libc("read", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        private static final Readiness[] byDescriptor = new Readiness[65536];
        private static Loop[] loops;
        private static final Pool<Object[]> pool = new Pool<>();
        /** -DsharedPool=true: one pool for both loops, its backends moving between their epoll sets. */
        private static final boolean sharedPool = Boolean.getBoolean("sharedPool");

        /** The edge model's readiness, plus the descriptor and the loop whose epoll set watches it. */
        static final class Readiness extends EdgeTriggered.Readiness {
            final int descriptor;
            Loop loop;

            Readiness(int descriptor) {
                this.descriptor = descriptor;
            }
        }

        static final class Loop implements Executor {
            private static final int RUNNING = 0;
            private static final int WAITING = 1;
            final int epoll;
            final int wake;
            final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
            final AtomicInteger state = new AtomicInteger(RUNNING);
            final MemorySegment one = Arena.global().allocate(8);
            final Pool<Object[]> backends = new Pool<>();
            Thread.Builder.OfVirtual builder;

            Loop() throws Throwable {
                epoll = (int) EPOLL_CREATE.invokeExact(0);
                wake = (int) EVENTFD.invokeExact(0, 0x800); // EFD_NONBLOCK
                one.set(ValueLayout.JAVA_LONG, 0, 1L);
                add(wake, EPOLLIN);
                var constructor = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder").getDeclaredConstructor(Executor.class);
                constructor.setAccessible(true);
                builder = (Thread.Builder.OfVirtual) constructor.newInstance(this);
            }

            void add(int descriptor, int events) throws Throwable {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment event = arena.allocate(EVENT_SIZE);
                    event.set(ValueLayout.JAVA_INT_UNALIGNED, 0, events);
                    event.set(ValueLayout.JAVA_LONG_UNALIGNED, 4, descriptor);
                    if ((int) EPOLL_CTL.invokeExact(epoll, EPOLL_CTL_ADD, descriptor, event) != 0) {
                        throw new IOException("epoll_ctl failed");
                    }
                }
            }

            void remove(int descriptor) throws Throwable {
                int ignored = (int) EPOLL_CTL.invokeExact(epoll, EPOLL_CTL_DEL, descriptor, MemorySegment.NULL);
            }

            @Override
            public void execute(Runnable task) {
                tasks.add(task);
                if (state.get() == WAITING && state.compareAndSet(WAITING, RUNNING)) {
                    try {
                        long ignored = (long) WRITE.invokeExact(wake, one, 8L);
                    } catch (Throwable e) {
                        throw new IllegalStateException(e);
                    }
                }
            }

            void run() {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment events = arena.allocate(EVENT_SIZE * 256L);
                    MemorySegment drain = arena.allocate(8);
                    while (true) {
                        Runnable task;
                        while ((task = tasks.poll()) != null) {
                            task.run();
                        }
                        int timeout = 0;
                        state.set(WAITING);
                        if (tasks.isEmpty()) {
                            timeout = -1;
                        }
                        int count = (int) EPOLL_WAIT.invokeExact(epoll, events, 256, timeout);
                        state.set(RUNNING);
                        for (int i = 0; i < count; i++) {
                            int descriptor = (int) events.get(ValueLayout.JAVA_LONG_UNALIGNED, (long) EVENT_SIZE * i + 4);
                            if (descriptor == wake) {
                                long ignored = (long) READ.invokeExact(wake, drain, 8L);
                                continue;
                            }
                            EdgeTriggered.fire(byDescriptor[descriptor]);
                        }
                    }
                } catch (Throwable e) {
                    e.printStackTrace();
                }
            }
        }

        static void run(int port, int size, int count) throws Throwable {
            loops = new Loop[count];
            for (int i = 0; i < count; i++) {
                loops[i] = new Loop();
                Loop loop = loops[i];
                Thread.ofPlatform().daemon().name("loop-" + i).start(loop::run);
            }
            for (int i = 0; i < size; i++) {
                SocketChannel channel = SocketChannel.open(new InetSocketAddress(pgHost, pgPort));
                login(channel);
                Loop loop = loops[i % count];
                Object[] backend = {channel, register(channel, loop), ByteBuffer.allocateDirect(16384)};
                (sharedPool ? pool : loop.backends).release(backend);
            }
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
            System.out.println("ready");
            int next = 0;
            while (true) {
                SocketChannel client = server.accept();
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                Loop loop = loops[next++ % count];
                loop.builder.start(() -> {
                    try (client) {
                        serve(client, loop);
                    } catch (Throwable ignored) {
                        // the client left
                    }
                });
            }
        }

        private static Readiness register(SocketChannel channel, Loop loop) throws Throwable {
            channel.configureBlocking(false);
            int descriptor = (int) Class.forName("sun.nio.ch.SelChImpl").getMethod("getFDVal").invoke(channel);
            Readiness readiness = new Readiness(descriptor);
            readiness.loop = loop;
            byDescriptor[descriptor] = readiness;
            loop.add(descriptor, EPOLLIN | EPOLLET);
            return readiness;
        }

        /** The edge model's read, after moving the socket to the caller's loop's epoll set. */
        private static int read(SocketChannel channel, Readiness readiness, ByteBuffer into, Loop loop) throws Throwable {
            if (readiness.loop != loop) {
                readiness.loop.remove(readiness.descriptor);
                readiness.loop = loop;
                loop.add(readiness.descriptor, EPOLLIN | EPOLLET);
                readiness.drained = false;
            }
            return EdgeTriggered.read(channel, readiness, into);
        }

        private static void serve(SocketChannel client, Loop loop) throws Throwable {
            readStartup(new DataInputStream(Channels.newInputStream(client)), Channels.newOutputStream(client));
            client.write(ByteBuffer.wrap(greeting));
            EdgeTriggered.relay(client, register(client, loop), sharedPool ? pool : loop.backends,
                    (channel, readiness, into) -> read(channel, (Readiness) readiness, into, loop));
        }
    }
}
