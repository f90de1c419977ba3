package dev.shardgate.sql;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;

/**
 * The platform threads that statements are parsed and analysed on, shared by every
 * {@link SqlAnalyzer} in the process. Callers hand a statement over and wait; a virtual thread
 * waiting here unmounts instead of pinning its carrier for the native call.
 *
 * <p>Why not parse on the caller's thread:
 * <ul>
 *   <li>PostgreSQL's grammar and libpg_query's JSON output recurse once per nesting level of the
 *   statement, and libpg_query 15-4.0.0 does not check the stack depth: {@code SELECT 1+1+…+1} of
 *   100 kB overflows a 1 MB native stack and the JVM dies of SIGSEGV, which no Java code can
 *   catch. Measured cost: at most about 64 bytes of native stack per byte of statement text. These
 *   threads reserve {@value #STACK_BYTES} bytes of stack (address space; pages are committed only
 *   when touched), four times what a statement of {@link SqlAnalyzer#DEFAULT_MAX_STATEMENT_BYTES}
 *   bytes can use, and longer statements are never handed to the parser.</li>
 *   <li>libpg_query 15-4.0.0 creates a pthread key in each thread it first runs on
 *   ({@code pg_query_init}); a process that parses on ever-new threads would exhaust the process's
 *   1024 keys. A fixed set of long-lived threads uses a fixed number of keys.</li>
 * </ul>
 */
final class ParserThreads {
    static final long STACK_BYTES = 256L << 20;

    private static ParserThreads shared;

    private final ExecutorService executor;

    private ParserThreads(int threads) {
        ThreadFactory factory = Thread.ofPlatform().name("sql-parser-", 1).daemon(true).stackSize(STACK_BYTES).factory();
        this.executor = Executors.newFixedThreadPool(threads, factory);
    }

    static synchronized ParserThreads shared() {
        if (shared == null) {
            shared = new ParserThreads(Math.max(2, Runtime.getRuntime().availableProcessors()));
        }
        return shared;
    }

    /** Runs the work on a parser thread and waits for it; the work itself must not throw. */
    <T> T call(Callable<T> work) throws InterruptedException {
        Future<T> future = executor.submit(work);
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(false);
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("statement analysis failed", e.getCause());
        }
    }
}
