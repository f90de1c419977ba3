package dev.shardgate.router.loop;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.util.concurrent.Executor;

/**
 * The process's event loops, made once on first use and shared by every router in the JVM. They
 * need two JDK internals: the constructor of a virtual-thread builder with its own scheduler
 * ({@code --add-opens java.base/java.lang=ALL-UNNAMED}) and a socket channel's descriptor
 * ({@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}); the shardgate jar's manifest grants
 * both. Without them {@link #shared(int)} says why and sessions run on the JDK's own virtual threads.
 */
public final class EventLoops {
    private static final Logger log = LoggerFactory.getLogger(EventLoops.class);
    private static EventLoops shared;
    private static String unavailable;

    /** The one loop: its carriers share one epoll set (EventLoop says why not a loop per carrier). */
    private final EventLoop loop;
    /**
     * Builds virtual threads on the JDK's own scheduler. Thread.ofVirtual() will not do on a loop: a
     * virtual thread started by another inherits its scheduler, so it would run on the same loop.
     */
    private final MethodHandle builderFactory;
    private final Executor jdkScheduler;

    private EventLoops(EventLoop loop, MethodHandle builderFactory, Executor jdkScheduler) {
        this.loop = loop;
        this.builderFactory = builderFactory;
        this.jdkScheduler = jdkScheduler;
    }

    /**
     * The shared loops, made with {@code count} threads by the first call; or null when loops are
     * off ({@code count} 0) or this JVM cannot run them (logged once).
     */
    public static synchronized EventLoops shared(int count) {
        if (count <= 0) {
            return null;
        }
        if (shared != null || unavailable != null) {
            return shared;
        }
        try {
            MethodHandle fd = MethodHandles.lookup().findVirtual(Class.forName("sun.nio.ch.SelChImpl"), "getFDVal",
                    MethodType.methodType(int.class));
            Constructor<?> constructor = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder")
                    .getDeclaredConstructor(Executor.class);
            constructor.setAccessible(true);
            MethodHandle factory = MethodHandles.lookup().unreflectConstructor(constructor)
                    .asType(MethodType.methodType(Object.class, Executor.class));
            Class<?> virtualThread = Class.forName("java.lang.VirtualThread");
            Executor jdkScheduler = (Executor) MethodHandles.privateLookupIn(virtualThread, MethodHandles.lookup())
                    .findStatic(virtualThread, "defaultScheduler", MethodType.methodType(Executor.class)).invoke();
            if (EventLoop.SCHEDULER == null) {
                throw new IllegalAccessException("java.lang.VirtualThread.scheduler is not accessible");
            }
            LoopConduit.descriptorOf(fd);
            shared = new EventLoops(new EventLoop(count, factory), factory, jdkScheduler);
            log.info("event=event_loops_started count={}", count);
        } catch (Throwable e) {
            unavailable = e.toString();
            log.warn("event=event_loops_unavailable reason=\"{}\" hint=\"run with --add-opens java.base/java.lang=ALL-UNNAMED"
                    + " --add-exports java.base/sun.nio.ch=ALL-UNNAMED, as the shardgate jar does; sessions use the JDK's"
                    + " virtual-thread scheduler\"", e.toString());
        }
        return shared;
    }

    /** The loop that carries the sessions (one, with several carriers; see {@link EventLoop}). */
    public EventLoop loop() {
        return loop;
    }

    /**
     * Runs a call that may block its thread in the kernel (file writes with fsync, name
     * resolution) where that blocks no loop: on an ordinary virtual thread, which the JDK's
     * scheduler compensates for, while the caller parks. Off a loop it simply runs the call.
     * Runtime exceptions and errors reach the caller as they were thrown.
     */
    public static <T> T offLoop(java.util.function.Supplier<T> call) {
        if (EventLoop.current() == null) {
            return call.get();
        }
        java.util.concurrent.CompletableFuture<T> result = new java.util.concurrent.CompletableFuture<>();
        shared.onJdkScheduler().name("off-loop").start(() -> {
            try {
                result.complete(call.get());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    private Thread.Builder.OfVirtual onJdkScheduler() {
        try {
            return (Thread.Builder.OfVirtual) builderFactory.invoke(jdkScheduler);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot make a virtual thread on the JDK's scheduler", e);
        }
    }

    /**
     * Starts a virtual thread on the caller's loop when the caller runs on one (its helpers then
     * share its carrier and its sockets' epoll set), else an ordinary virtual thread.
     */
    public static Thread startVirtual(String name, Runnable task) {
        EventLoop loop = EventLoop.current();
        return loop != null ? loop.start(name, task) : Thread.ofVirtual().name(name).start(task);
    }
}
