package dev.shardgate.router.loop;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The process's limit on open file descriptors (RLIMIT_NOFILE), through the FFM API like the
 * epoll calls. Every client and every backend is a descriptor; a router at its soft limit can no
 * longer accept, so at start the soft limit is raised to the hard one, as PgBouncer and PostgreSQL
 * do. (HotSpot on Linux usually does so itself, -XX:+MaxFDLimit; this makes it hold whatever JVM
 * flags say, and tells the router the number to keep max_clients under.)
 */
public final class DescriptorLimit {
    /** The soft and hard limit ({@code Long.MAX_VALUE} for unlimited); zero when they could not be read. */
    public record Limits(long soft, long hard) {
        static final Limits UNKNOWN = new Limits(0, 0);

        public boolean isKnown() {
            return soft > 0;
        }
    }

    private static final int RLIMIT_NOFILE = 7; // Linux, every architecture the JDK runs on
    private static final long RLIM_INFINITY = -1L;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETRLIMIT = call("getrlimit");
    private static final MethodHandle SETRLIMIT = call("setrlimit");

    private DescriptorLimit() {
    }

    private static MethodHandle call(String name) {
        return LINKER.defaultLookup().find(name)
                .map(symbol -> LINKER.downcallHandle(symbol,
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS)))
                .orElse(null);
    }

    /** The limits now. */
    public static Limits current() {
        if (GETRLIMIT == null) {
            return Limits.UNKNOWN;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rlimit = arena.allocate(ValueLayout.JAVA_LONG, 2);
            if ((int) GETRLIMIT.invokeExact(RLIMIT_NOFILE, rlimit) != 0) {
                return Limits.UNKNOWN;
            }
            return new Limits(finite(rlimit.getAtIndex(ValueLayout.JAVA_LONG, 0)), finite(rlimit.getAtIndex(ValueLayout.JAVA_LONG, 1)));
        } catch (Throwable e) {
            return Limits.UNKNOWN;
        }
    }

    /** Raises the soft limit to the hard one (an unprivileged process may); returns the limits after. */
    public static Limits raiseSoftToHard() {
        Limits before = current();
        if (!before.isKnown() || before.soft() == before.hard() || SETRLIMIT == null) {
            return before;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rlimit = arena.allocate(ValueLayout.JAVA_LONG, 2);
            long hard = before.hard() == Long.MAX_VALUE ? RLIM_INFINITY : before.hard();
            rlimit.setAtIndex(ValueLayout.JAVA_LONG, 0, hard);
            rlimit.setAtIndex(ValueLayout.JAVA_LONG, 1, hard);
            int ignored = (int) SETRLIMIT.invokeExact(RLIMIT_NOFILE, rlimit);
        } catch (Throwable e) {
            // the limit stays as it was; current() reports it
        }
        return current();
    }

    /** RLIM_INFINITY reads as -1 in a signed long. */
    private static long finite(long value) {
        return value == RLIM_INFINITY ? Long.MAX_VALUE : value;
    }
}
