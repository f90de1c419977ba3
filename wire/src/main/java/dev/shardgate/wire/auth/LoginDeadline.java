package dev.shardgate.wire.auth;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The time a client has for its whole login, like PostgreSQL's authentication_timeout. A timeout
 * per read would let a client sending one byte every few seconds stay for ever (slowloris); this
 * one starts once and, when it passes, cuts the client's input off so that whatever read the login
 * is blocked in ends. The login then reports the timeout ({@link #hasExpired()}), and can still
 * write its FATAL error: only the input is shut.
 */
public final class LoginDeadline implements AutoCloseable {
    /** What ends a blocked read: shutting the socket's input. */
    @FunctionalInterface
    public interface CutOff {
        void cut() throws IOException;
    }

    /** A login's work, which may block reading the client. */
    @FunctionalInterface
    public interface Login<T> {
        T perform() throws IOException;
    }

    private static final int PENDING = 0;
    private static final int EXPIRED = 1;
    private static final int FINISHED = 2;

    /** One daemon thread for every login's deadline: a deadline costs a queue entry, not a thread. */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final AtomicInteger state = new AtomicInteger(PENDING);
    private final ScheduledFuture<?> task;

    private LoginDeadline(Duration timeout, CutOff cutOff) {
        this.task = TIMER.schedule(() -> expire(cutOff), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Starts the clock: after {@code timeout}, unless {@linkplain #finish() finished}, {@code cutOff} runs. */
    public static LoginDeadline start(Duration timeout, CutOff cutOff) {
        return new LoginDeadline(timeout, cutOff);
    }

    /**
     * Runs {@code login} within {@code timeout} as a whole; when the timeout passes first,
     * {@code cutOff} ends its blocked read and the client is told PostgreSQL's 57014.
     *
     * @throws PgException 57014 "canceling authentication due to timeout" when the time ran out
     */
    public static <T> T within(Duration timeout, CutOff cutOff, Login<T> login) throws IOException {
        try (LoginDeadline deadline = start(timeout, cutOff)) {
            T done;
            try {
                done = login.perform();
            } catch (IOException e) { // EOF, or a TLS layer's own error, once the input is shut
                if (deadline.hasExpired()) {
                    throw timedOut();
                }
                throw e;
            }
            if (!deadline.finish()) {
                throw timedOut();
            }
            return done;
        }
    }

    /** As PostgreSQL says it when authentication_timeout passes (postgres.c, ProcessInterrupts). */
    private static PgException timedOut() {
        return new PgException(SqlState.QUERY_CANCELED, "canceling authentication due to timeout");
    }

    private void expire(CutOff cutOff) {
        if (state.compareAndSet(PENDING, EXPIRED)) {
            try {
                cutOff.cut();
            } catch (IOException | RuntimeException ignored) {
                // the socket is already closed: the login has ended either way
            }
        }
    }

    /**
     * The login is done: the deadline no longer applies.
     *
     * @return false when it had already passed (the client's input is shut), so the login failed after all
     */
    public boolean finish() {
        task.cancel(false);
        return state.compareAndSet(PENDING, FINISHED) || state.get() == FINISHED;
    }

    /** True once the deadline passed before the login finished. */
    public boolean hasExpired() {
        return state.get() == EXPIRED;
    }

    /** Like {@link #finish()}, for try-with-resources on paths that fail anyway. */
    @Override
    public void close() {
        finish();
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("login-deadlines").daemon(true).factory());
        // a login that finishes in time removes its entry at once, so 10,000 logins a second leave no queue
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }
}
