package dev.shardgate.wire.listen;

import java.io.IOException;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * What an accept loop does when accept fails. Out of file descriptors (EMFILE, ENFILE) a listening
 * socket stays readable, so retrying at once spins a core and writes millions of identical lines;
 * this pauses between attempts (10 ms doubling to one second) and logs one line per interval with
 * the count of failures, then one when accepting works again. Waiting clients stay in the listen
 * backlog and are accepted once descriptors are free.
 */
public final class AcceptFailures {
    static final Duration FIRST_PAUSE = Duration.ofMillis(10);
    static final Duration LONGEST_PAUSE = Duration.ofSeconds(1);
    static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

    /** Sleeps for a number of nanoseconds; tests count instead. */
    interface Pause {
        void sleep(long nanos);
    }

    private final Logger log;
    private final String listener;
    private final LongSupplier clock;
    private final Pause pause;
    private long pauseNanos;
    /** Failures not yet counted in a log line. */
    private long unreported;
    /** Failures since accepting last worked. */
    private long streak;
    private long lastLogNanos;

    /** @param listener names the listening socket in the log lines: {@code router}, {@code console} */
    public AcceptFailures(Logger log, String listener) {
        this(log, listener, System::nanoTime, AcceptFailures::sleep);
    }

    AcceptFailures(Logger log, String listener, LongSupplier clock, Pause pause) {
        this.log = log;
        this.listener = listener;
        this.clock = clock;
        this.pause = pause;
    }

    /** Logs the failure unless one was logged within the interval, then pauses before the next accept. */
    public void failed(IOException error) {
        long now = clock.getAsLong();
        streak++;
        unreported++;
        if (streak == 1 || now - lastLogNanos >= LOG_INTERVAL.toNanos()) {
            log.error("event=accept_failed listener={} failures={} error=\"{}\" action=\"pausing up to {} ms between accepts\"",
                    listener, unreported, error.toString(), LONGEST_PAUSE.toMillis());
            unreported = 0;
            lastLogNanos = now;
        }
        pauseNanos = pauseNanos == 0 ? FIRST_PAUSE.toNanos() : Math.min(2 * pauseNanos, LONGEST_PAUSE.toNanos());
        pause.sleep(pauseNanos);
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An accept worked: back to no pause, and one line saying so if there were failures. */
    public void succeeded() {
        if (streak > 0) {
            log.info("event=accept_recovered listener={} failures={}", listener, streak);
            streak = 0;
            unreported = 0;
            pauseNanos = 0;
        }
    }
}
