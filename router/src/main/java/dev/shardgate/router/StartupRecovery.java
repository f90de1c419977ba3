package dev.shardgate.router;

import dev.shardgate.router.twophase.TwoPhaseRecovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Two-phase recovery at start without waiting for every shard. It runs on its own thread, each shard
 * at once; the router waits for it up to {@link #FIRST_RUN_WAIT} before it accepts clients (so with
 * every shard up, nothing a crash left prepared is in the way of the first clients), then accepts
 * them anyway and retries every {@link #RETRY_EVERY} until a run reached every shard.
 *
 * <p>Accepting clients before a hung shard is recovered is safe: a prepared transaction keeps its row
 * locks, so a new transaction touching those rows waits (bounded by the client's lock_timeout or
 * statement_timeout) until recovery finishes it; new two-phase transactions have names of their own
 * (the counter starts from the clock) and are in flight, which recovery leaves alone; and decisions
 * are deleted only by a run that reached every shard.
 */
final class StartupRecovery {
    private static final Logger log = LoggerFactory.getLogger(StartupRecovery.class);
    static final Duration FIRST_RUN_WAIT = Duration.ofMillis(500);
    static final Duration RETRY_EVERY = Duration.ofSeconds(10);

    private StartupRecovery() {
    }

    static void start(RouterContext context) {
        CountDownLatch firstRun = new CountDownLatch(1);
        Thread.ofVirtual().name("two-phase-recovery").start(() -> {
            try {
                while (true) {
                    TwoPhaseRecovery.Outcome outcome;
                    try {
                        outcome = context.recoverTwoPhaseOutcome();
                    } catch (RuntimeException e) {
                        log.warn("event=two_phase_recovery_failed error=\"{}\"", e.toString());
                        outcome = null;
                    }
                    firstRun.countDown();
                    if (outcome != null) {
                        log.info("event=two_phase_recovery_done prepared_transactions={} complete={}",
                                outcome.actions().size(), outcome.complete());
                        if (outcome.complete()) {
                            return;
                        }
                    }
                    Thread.sleep(RETRY_EVERY);
                    if (context.isClosed()) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                firstRun.countDown();
            }
        });
        try {
            if (!firstRun.await(FIRST_RUN_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("event=two_phase_recovery_pending reason=\"a shard does not answer yet; clients are accepted, "
                        + "recovery goes on in the background\"");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
