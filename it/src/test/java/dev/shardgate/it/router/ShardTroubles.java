package dev.shardgate.it.router;

import dev.shardgate.cli.postgres.LocalPostgres;
import java.time.Duration;
import java.time.Instant;

/**
 * The disturbed shard's bad days, over and over until a deadline: a fast shutdown, a crash (SIGKILL
 * of the postmaster and its backends, then crash recovery), a hang (SIGSTOP of the postmaster), each
 * lasting {@code down}, with {@code between} of normal service after each. The shard runs when
 * {@link #run} returns, whatever happened.
 */
record ShardTroubles(String name, LocalPostgres shard, Duration down, Duration between, SoakLog log) {

    void run(Instant until) throws Exception {
        Duration cycleStep = down.plus(between).plusSeconds(5); // a restart takes a moment
        PostmasterProcess hung = null;
        try {
            for (int step = 0; Instant.now().plus(cycleStep).isBefore(until); step++) {
                switch (step % 3) {
                    case 0 -> {
                        log.event(name + ": stop -m fast");
                        shard.stop();
                        Thread.sleep(down);
                        restart();
                    }
                    case 1 -> {
                        log.event(name + ": SIGKILL of the postmaster and its backends");
                        shard.kill();
                        Thread.sleep(down);
                        restart();
                    }
                    default -> {
                        hung = PostmasterProcess.of(shard);
                        log.event(name + ": SIGSTOP of the postmaster (pid " + hung.pid() + ")");
                        hung.hang();
                        Thread.sleep(down);
                        hung.resume();
                        hung = null;
                        log.event(name + ": SIGCONT");
                    }
                }
                Thread.sleep(between);
            }
        } finally {
            if (hung != null) {
                hung.resume();
            }
            if (!shard.isRunning()) {
                restart();
            }
        }
    }

    private void restart() {
        long started = System.nanoTime();
        shard.restart();
        log.event(name + ": restarted in " + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");
    }
}
