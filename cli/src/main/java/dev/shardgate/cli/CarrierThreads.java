package dev.shardgate.cli;

/**
 * How many platform threads carry the router's virtual threads, and how many poll their sockets: set
 * before the first virtual thread starts, since the JDK reads these properties once. An operator's
 * own {@code -Djdk.virtualThreadScheduler.parallelism=N} or {@code -Djdk.readPollers=N} wins.
 *
 * <p>Why fewer carriers than CPUs: a routed statement is mostly socket system calls and wake-ups of
 * other processes (the client, PostgreSQL), which usually share the machine. With one carrier per
 * CPU each session that becomes runnable wakes an idle carrier, which runs it for a few microseconds
 * and sleeps again. On 2 CPUs shared with PostgreSQL and pgbench, one carrier and one read poller
 * instead of two each cut context switches per {@code pgbench -S} transaction from 1.5–3 to about
 * 1, system calls from 12–16 to about 10, and router CPU per transaction by a fifth to a third, with
 * more TPS (bench/pgbench-compare, issue 7).
 */
final class CarrierThreads {
    static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";
    static final String READ_POLLERS = "jdk.readPollers";

    private CarrierThreads() {
    }

    /** Half the CPUs, at least one: the other half is left to the clients and servers beside the router. */
    static int defaultParallelism(int processors) {
        return Math.max(1, processors / 2);
    }

    /** Sets the defaults the operator did not set; call before any virtual thread starts. */
    static void applyDefaults(int processors) {
        if (System.getProperty(PARALLELISM) == null) {
            System.setProperty(PARALLELISM, Integer.toString(defaultParallelism(processors)));
        }
        if (System.getProperty(READ_POLLERS) == null) {
            int parallelism = Math.max(1, Integer.getInteger(PARALLELISM, defaultParallelism(processors)));
            // the JDK takes a power of two
            System.setProperty(READ_POLLERS, Integer.toString(Integer.highestOneBit(parallelism)));
        }
    }
}
