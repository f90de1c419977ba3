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
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The carrier threads of the sessions' virtual threads and the waiter on their sockets, over one
 * edge-triggered epoll set and one queue of ready continuations. A carrier runs whatever
 * continuations are ready; when none is, one carrier (the poller) waits in the epoll set while the
 * others park, and each socket event makes the virtual thread that waits for it ready again. A
 * session woken by the loop costs a queue push: no thread hop, no failed read and no re-arming
 * system call per wait, which is what blocking sockets on the JDK's default scheduler pay.
 *
 * <p>Why one set for all carriers, not one loop per carrier: a carrier that sleeps in epoll_wait
 * and is woken for a single event pays two context switches for it. One poller collects the
 * events of every session into one batch (on pgbench -S with 16 clients, 0.4–0.6 epoll_wait per
 * transaction against 0.7–1.3 with a loop per CPU). A parked carrier is woken when a backlog of
 * ready continuations builds up, and looks again by itself every 50 ms, so that sessions do not
 * stay behind a carrier that is busy, pinned or preempted while another is free: any carrier runs
 * any session.
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
    /**
     * Ready continuations after a poll that wake a parked carrier. Measured on 2 CPUs, pgbench -S with
     * 16 clients: at 2 a carrier was woken for about every other transaction (a futex wake and two
     * switches each, more than the loop per CPU paid); at 8, 0.07 times per transaction.
     */
    private static final int WAKE_AT = 8;
    /** How long a parked carrier sleeps before it looks at the queue and the epoll set again. */
    private static final long PARKED_LOOK_NANOS = 50_000_000;
    private static final int RUNNING = 0;
    private static final int WAITING = 1;

    private final int epoll;
    private final int wakeFd;
    private final MethodHandle builderFactory;
    private final ConcurrentLinkedQueue<Runnable> ready = new ConcurrentLinkedQueue<>();
    /** The poller's state: WAITING while it sleeps in epoll_wait (a push must signal it), else RUNNING. */
    private final AtomicInteger state = new AtomicInteger(RUNNING);
    private final MemorySegment one = Arena.global().allocate(8);
    /** Held by the carrier that waits in (or reads) the epoll set; the events and scratch are its own. */
    private final ReentrantLock pollLock = new ReentrantLock();
    private final MemorySegment events = Arena.global().allocate(Epoll.EVENT_SIZE * MAX_EVENTS);
    private final MemorySegment scratch = Arena.global().allocate(8);
    private final Thread[] carriers;
    /** Per carrier: parked for want of work, until a poller with more ready than it can run wakes it. */
    private final AtomicIntegerArray parked;

    EventLoop(int carrierCount, MethodHandle builderFactory) throws IOException {
        this.builderFactory = builderFactory;
        this.epoll = Epoll.create();
        this.wakeFd = Epoll.eventFd();
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
        Epoll.add(epoll, wakeFd, Epoll.EPOLLIN);
        this.carriers = new Thread[carrierCount];
        this.parked = new AtomicIntegerArray(carrierCount);
        for (int i = 0; i < carrierCount; i++) {
            int carrier = i;
            carriers[i] = Thread.ofPlatform().name("event-loop-" + i).daemon(true)
                    .unstarted(() -> run(carrier));
        }
        for (Thread carrier : carriers) {
            carrier.start();
        }
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
            throw new IllegalStateException("cannot make a virtual thread for the event loop", e);
        }
        return builder.name(name).start(task);
    }

    /** Called by the JDK with a virtual thread's continuation whenever that thread is ready to run. */
    @Override
    public void execute(Runnable continuation) {
        ready.add(continuation);
        // A carrier pushing (the poller firing events, or a session waking another) takes the
        // continuation itself before it polls or parks: the sleeping poller need not be woken.
        if (state.get() == WAITING && !onCarrier() && state.compareAndSet(WAITING, RUNNING)) {
            Epoll.signal(wakeFd, one);
        }
    }

    /** True on one of this loop's carriers, or on a virtual thread they carry. */
    private boolean onCarrier() {
        Thread thread = Thread.currentThread();
        if (thread.isVirtual()) {
            return current() == this;
        }
        for (Thread carrier : carriers) {
            if (carrier == thread) {
                return true;
            }
        }
        return false;
    }

    void watch(int fd) throws IOException {
        Epoll.add(epoll, fd, Epoll.EPOLLIN | Epoll.EPOLLOUT | Epoll.EPOLLRDHUP | Epoll.EPOLLET);
    }

    void unwatch(int fd) {
        Epoll.remove(epoll, fd);
    }

    @Override
    public String toString() {
        return "event-loop";
    }

    private void run(int me) {
        while (true) {
            try {
                Runnable continuation;
                int ran = 0;
                while (ran < BATCH && (continuation = ready.poll()) != null) {
                    continuation.run();
                    ran++;
                }
                if (pollLock.tryLock()) {
                    try {
                        poll(ran < BATCH);
                    } finally {
                        pollLock.unlock();
                    }
                    wakeOneIfBacklog(me);
                } else if (ready.isEmpty()) {
                    park(me); // another carrier polls, and wakes this one when it has more than it can run
                }
            } catch (Throwable e) {
                log.error("event=event_loop_error carrier={} error=\"{}\"", me, e.toString(), e);
            }
        }
    }

    /** Reads the epoll set (waiting for it when {@code mayWait} and nothing is ready) and fires its events. */
    private void poll(boolean mayWait) {
        int timeout = 0;
        if (mayWait) {
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
    }

    /**
     * Wakes one parked carrier when a backlog is ready: the poller runs from its head, the woken
     * carrier too (and polls in turn when it runs out). A short queue wakes nobody; the thread switch
     * would cost more than running it here.
     */
    private void wakeOneIfBacklog(int me) {
        if (!hasAtLeast(WAKE_AT)) {
            return;
        }
        for (int i = 0; i < carriers.length; i++) {
            if (i != me && parked.get(i) == 1 && parked.compareAndSet(i, 1, 0)) {
                LockSupport.unpark(carriers[i]);
                return;
            }
        }
    }

    private boolean hasAtLeast(int count) {
        var it = ready.iterator();
        for (int i = 0; i < count; i++) {
            if (!it.hasNext()) {
                return false;
            }
            it.next();
        }
        return true;
    }

    private void park(int me) {
        parked.set(me, 1);
        // A poller that looked before this carrier said it was parked saw nothing to wake it for:
        // look again once the flag is visible.
        if (ready.isEmpty() && pollLock.isLocked()) {
            // Timed: a carrier held in the kernel by a continuation that pins it (a class
            // initializer, a native call) wakes nobody, so a parked one looks again by itself.
            LockSupport.parkNanos(this, PARKED_LOOK_NANOS);
        }
        parked.set(me, 0);
    }
}
