package dev.shardgate.router.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a transaction meets at a paused shard: the wait, its bounds, and a lease that runs out. */
class ShardPausesTest {

    @Test
    void aWaitEndsAtResumeAndOtherShardsDoNotWait() throws Exception {
        ShardPauses pauses = new ShardPauses(Duration.ofSeconds(30));
        pauses.pause(Optional.of("sh1"), "PAUSE", Optional.empty());
        pauses.awaitOpen("sh2", () -> false);

        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> pauses.awaitOpen("sh1", () -> false));
        Thread.sleep(200);
        assertThat(waiting).isNotDone();
        pauses.resume(Optional.of("sh1"));
        waiting.get(5, TimeUnit.SECONDS);
        assertThat(pauses.pauses()).isEmpty();
    }

    @Test
    void aPauseOutlastingPauseTimeoutGives57P03AndACancelGives57014() {
        ShardPauses pauses = new ShardPauses(Duration.ofMillis(200));
        pauses.pause(Optional.empty(), "PAUSE", Optional.empty());

        PgException timedOut = catchThrowableOfType(PgException.class, () -> pauses.awaitOpen("sh1", () -> false));
        assertThat(timedOut.sqlState()).isEqualTo(SqlState.CANNOT_CONNECT_NOW);
        assertThat(timedOut.getMessage()).isEqualTo(
                "shard \"sh1\" is paused (PAUSE) and was not resumed within pause_timeout (200 ms)");
        PgException cancelled = catchThrowableOfType(PgException.class, () -> pauses.awaitOpen("sh1", () -> true));
        assertThat(cancelled.sqlState()).isEqualTo(SqlState.QUERY_CANCELED);
    }

    /** A coordinator that dies during a switchover leaves a pause whose lease ends it. */
    @Test
    void aPauseWithALeaseEndsByItselfAndReleasesItsWaiters() throws Exception {
        ShardPauses pauses = new ShardPauses(Duration.ofSeconds(30));
        pauses.pause(Optional.of("sh1"), "switchover", Optional.of(Duration.ofMillis(300)));
        assertThat(pauses.pauses()).singleElement().satisfies(p -> assertThat(p.expires()).isNotNull());

        long started = System.nanoTime();
        CompletableFuture.runAsync(() -> pauses.awaitOpen("sh1", () -> false)).get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        assertThat(pauses.pauses()).isEmpty();
    }

    @Test
    void resumingOneShardWhileEveryShardIsPausedIsRefused() {
        ShardPauses pauses = new ShardPauses(Duration.ofSeconds(30));
        PgException notPaused = catchThrowableOfType(PgException.class, () -> pauses.resume(Optional.of("sh1")));
        assertThat(notPaused.sqlState()).isEqualTo(SqlState.UNDEFINED_OBJECT);
        pauses.pause(Optional.empty(), "PAUSE", Optional.empty());
        PgException every = catchThrowableOfType(PgException.class, () -> pauses.resume(Optional.of("sh1")));
        assertThat(every.sqlState()).isEqualTo(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE);
        pauses.resume(Optional.empty());
        assertThat(pauses.pauses()).isEmpty();
    }
}
