package dev.shardgate.router.loop;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few Linux calls an event loop needs, through the FFM API: epoll (edge-triggered), an eventfd
 * to wake a waiting loop, and FIONREAD. Only this class touches native memory layouts.
 */
final class Epoll {
    static final int EPOLLIN = 0x001;
    static final int EPOLLOUT = 0x004;
    static final int EPOLLERR = 0x008;
    static final int EPOLLHUP = 0x010;
    static final int EPOLLRDHUP = 0x2000;
    static final int EPOLLET = 0x80000000;
    private static final int EPOLL_CTL_ADD = 1;
    private static final int EPOLL_CTL_DEL = 2;
    private static final int EFD_NONBLOCK = 0x800;
    private static final int EFD_CLOEXEC = 0x80000;
    private static final int EPOLL_CLOEXEC = 0x80000;
    private static final long FIONREAD = 0x541B;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout ERRNO_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = ERRNO_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    /** struct epoll_event is packed on x86-64 (12 bytes), naturally aligned elsewhere (16). */
    static final long EVENT_SIZE = "amd64".equals(System.getProperty("os.arch")) ? 12 : 16;
    private static final long DATA_OFFSET = EVENT_SIZE == 12 ? 4 : 8;

    private static final MethodHandle EPOLL_CREATE1 = call("epoll_create1",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle EPOLL_CTL = LINKER.downcallHandle(LINKER.defaultLookup().find("epoll_ctl").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS), Linker.Option.captureCallState("errno"));
    private static final MethodHandle EPOLL_WAIT = call("epoll_wait", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle EVENTFD = call("eventfd",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle WRITE = call("write", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle READ = call("read", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle CLOSE = call("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle IOCTL = LINKER.downcallHandle(LINKER.defaultLookup().find("ioctl").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS),
            Linker.Option.firstVariadicArg(2));

    private Epoll() {
    }

    private static MethodHandle call(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
    }

    static int create() throws IOException {
        try {
            int epoll = (int) EPOLL_CREATE1.invokeExact(EPOLL_CLOEXEC);
            if (epoll < 0) {
                throw new IOException("epoll_create1 failed");
            }
            return epoll;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException(e);
        }
    }

    static int eventFd() throws IOException {
        try {
            int fd = (int) EVENTFD.invokeExact(0, EFD_NONBLOCK | EFD_CLOEXEC);
            if (fd < 0) {
                throw new IOException("eventfd failed");
            }
            return fd;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException(e);
        }
    }

    /** Adds a descriptor; its number comes back as the event's data. */
    static void add(int epoll, int fd, int events) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment event = arena.allocate(EVENT_SIZE);
            event.set(ValueLayout.JAVA_INT_UNALIGNED, 0, events);
            event.set(ValueLayout.JAVA_LONG_UNALIGNED, DATA_OFFSET, fd);
            MemorySegment state = arena.allocate(ERRNO_STATE);
            int result = (int) EPOLL_CTL.invokeExact(state, epoll, EPOLL_CTL_ADD, fd, event);
            if (result != 0) {
                throw new IOException("epoll_ctl(ADD) of descriptor " + fd + " failed: errno " + (int) ERRNO.get(state, 0L));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException(e);
        }
    }

    /** Removes a descriptor; one already closed (and so gone from the set) is no error. */
    static void remove(int epoll, int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(ERRNO_STATE);
            int ignored = (int) EPOLL_CTL.invokeExact(state, epoll, EPOLL_CTL_DEL, fd, MemorySegment.NULL);
        } catch (Throwable e) {
            // nothing to undo: the descriptor is not in the set
        }
    }

    /** Waits for events into {@code events} (room for {@code max}); -1 on EINTR. */
    static int await(int epoll, MemorySegment events, int max, int timeoutMillis) {
        try {
            return (int) EPOLL_WAIT.invokeExact(epoll, events, max, timeoutMillis);
        } catch (Throwable e) {
            throw new IllegalStateException("epoll_wait failed", e);
        }
    }

    static int eventMask(MemorySegment events, int index) {
        return events.get(ValueLayout.JAVA_INT_UNALIGNED, EVENT_SIZE * index);
    }

    static int eventDescriptor(MemorySegment events, int index) {
        return (int) events.get(ValueLayout.JAVA_LONG_UNALIGNED, EVENT_SIZE * index + DATA_OFFSET);
    }

    /** Adds one to an eventfd's counter (8 bytes from {@code one}), which makes it readable. */
    static void signal(int eventFd, MemorySegment one) {
        try {
            long ignored = (long) WRITE.invokeExact(eventFd, one, 8L);
        } catch (Throwable e) {
            throw new IllegalStateException("eventfd write failed", e);
        }
    }

    /** Resets an eventfd's counter. */
    static void drain(int eventFd, MemorySegment scratch) {
        try {
            long ignored = (long) READ.invokeExact(eventFd, scratch, 8L);
        } catch (Throwable e) {
            throw new IllegalStateException("eventfd read failed", e);
        }
    }

    static void close(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable e) {
            // nothing left to release
        }
    }

    /** Bytes readable now without blocking; 0 when unknown. */
    static int readable(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            int result = (int) IOCTL.invokeExact(fd, FIONREAD, count);
            return result == 0 ? count.get(ValueLayout.JAVA_INT, 0) : 0;
        } catch (Throwable e) {
            return 0;
        }
    }
}
