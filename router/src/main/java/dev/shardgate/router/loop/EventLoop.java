package dev.shardgate.router.loop;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One platform thread that is both the carrier of its virtual threads and the waiter on their
 * sockets. It runs whatever continuations are ready; when none is, it waits in its own
 * edge-triggered epoll set, and each socket event makes the virtual thread that waits for it
 * ready again. A session woken by its own loop costs a queue push: no thread hop, no failed read
 * and no re-arming system call per wait, which is what blocking sockets on the JDK's default
 * scheduler pay.
 *
 * <p>The JDK has no public API for a virtual thread's scheduler; {@link EventLoops} reaches the
 * internal one and falls back to ordinary virtual threads when the JVM does not allow it.
 */
public final class EventLoop implements Executor {
    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
    /**
     * The scheduler of a virtual thread (JDK internal, opened by {@code --add-opens java.base/java.lang}):
     * the loop carrying a session is read from its thread, so no session keeps a ThreadLocal map or a
     * scoped-value cache of its own (some 140–200 bytes per idle client). Null when not opened.
     */
    static final MethodHandle SCHEDULER = schedulerGetter();
    private static final int MAX_EVENTS = 256;
    /** Continuations run between two looks at the epoll set when more keep coming. */
    private static final int BATCH = 256;
    private static final int RUNNING = 0;
    private static final int WAITING = 1;

    private final int index;
    private final int epoll;
    private final int wakeFd;
    private final MethodHandle builderFactory;
    private final ConcurrentLinkedQueue<Runnable> ready = new ConcurrentLinkedQueue<>();
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final MemorySegment one = Arena.global().allocate(8);
    private final Thread carrier;

    EventLoop(int index, MethodHandle builderFactory) throws IOException {
        this.index = index;
        this.builderFactory = builderFactory;
        this.epoll = Epoll.create();
        this.wakeFd = Epoll.eventFd();
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
        Epoll.add(epoll, wakeFd, Epoll.EPOLLIN);
        this.carrier = Thread.ofPlatform().name("event-loop-" + index).daemon(true).unstarted(this::run);
        carrier.start();
    }

    /** The loop whose virtual thread is running this, or null on any other thread. */
    public static EventLoop current() {
        Thread thread = Thread.currentThread();
        if (SCHEDULER == null || !thread.isVirtual()) {
            return null;
        }
        try {
            return (Executor) SCHEDULER.invokeExact(thread) instanceof EventLoop loop ? loop : null;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read the scheduler of " + thread, e);
        }
    }

    private static MethodHandle schedulerGetter() {
        try {
            Class<?> virtualThread = Class.forName("java.lang.VirtualThread");
            return MethodHandles.privateLookupIn(virtualThread, MethodHandles.lookup())
                    .findGetter(virtualThread, "scheduler", Executor.class)
                    .asType(MethodType.methodType(Executor.class, Thread.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // EventLoops says why loops are off
        }
    }

    /** Starts a virtual thread carried by this loop. */
    public Thread start(String name, Runnable task) {
        Thread.Builder.OfVirtual builder;
        try {
            builder = (Thread.Builder.OfVirtual) builderFactory.invoke((Executor) this);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot make a virtual thread for event loop " + index, e);
        }
        return builder.name(name).start(task);
    }

    /** Called by the JDK with a virtual thread's continuation whenever that thread is ready to run. */
    @Override
    public void execute(Runnable continuation) {
        ready.add(continuation);
        if (state.get() == WAITING && state.compareAndSet(WAITING, RUNNING)) {
            Epoll.signal(wakeFd, one);
        }
    }

    void watch(int fd) throws IOException {
        Epoll.add(epoll, fd, Epoll.EPOLLIN | Epoll.EPOLLOUT | Epoll.EPOLLRDHUP | Epoll.EPOLLET);
    }

    void unwatch(int fd) {
        Epoll.remove(epoll, fd);
    }

    @Override
    public String toString() {
        return "event-loop-" + index;
    }

    private void run() {
        MemorySegment events = Arena.global().allocate(Epoll.EVENT_SIZE * MAX_EVENTS);
        MemorySegment scratch = Arena.global().allocate(8);
        while (true) {
            try {
                Runnable continuation;
                int ran = 0;
                while (ran < BATCH && (continuation = ready.poll()) != null) {
                    continuation.run();
                    ran++;
                }
                int timeout = 0;
                if (ran < BATCH) {
                    state.set(WAITING);
                    // A push between the last poll and this line saw RUNNING and did not signal.
                    timeout = ready.isEmpty() ? -1 : 0;
                }
                int count = Epoll.await(epoll, events, MAX_EVENTS, timeout);
                state.set(RUNNING);
                for (int i = 0; i < count; i++) {
                    int fd = Epoll.eventDescriptor(events, i);
                    if (fd == wakeFd) {
                        Epoll.drain(wakeFd, scratch);
                    } else {
                        LoopConduit.fire(fd, Epoll.eventMask(events, i));
                    }
                }
            } catch (Throwable e) {
                log.error("event=event_loop_error loop={} error=\"{}\"", index, e.toString(), e);
            }
        }
    }
}
