package dev.shardgate.console.replica;

import dev.shardgate.meta.Shard;
import dev.shardgate.wire.PgException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** One check round: asks each host of a shard what it is and how far its WAL has come. */
public final class HostProbe {
    /** Connecting and answering together, per host: a host slower than this counts as down. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * One round trip. A standby's position is what it has replayed (what a promotion keeps), not
     * what it has received; the replay time turns lag into seconds.
     */
    static final String SQL = "SELECT pg_is_in_recovery(),"
            + " CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END,"
            + " CASE WHEN pg_is_in_recovery() THEN extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()) END";

    private final HostQueries queries;
    private final Duration timeout;
    private final Clock clock;

    public HostProbe(HostQueries queries, Duration timeout, Clock clock) {
        this.queries = queries;
        this.timeout = timeout;
        this.clock = clock;
    }

    public HostProbe(HostQueries queries) {
        this(queries, DEFAULT_TIMEOUT, Clock.systemUTC());
    }

    HostQueries queries() {
        return queries;
    }

    Duration timeout() {
        return timeout;
    }

    /**
     * Never throws: a host that cannot be checked has role UNKNOWN, and is {@link
     * HostState#running} when the server answered with an error of its own rather than a
     * connection failure (SQLSTATE class 08).
     */
    public HostState check(String shard, String host) {
        Instant now = clock.instant();
        try {
            List<List<String>> rows = queries.query(shard, host, SQL, timeout);
            if (rows.size() != 1 || rows.getFirst().size() != 3) {
                return HostState.failing(shard, host, now, "unexpected answer to the check: " + rows);
            }
            List<String> row = rows.getFirst();
            boolean standby = "t".equals(row.get(0));
            Lsn lsn = row.get(1) == null ? Lsn.ZERO : Lsn.parse(row.get(1));
            Duration replayAge = row.get(2) == null ? null
                    : Duration.ofNanos(new BigDecimal(row.get(2)).movePointRight(9).longValue());
            return new HostState(shard, host, standby ? HostState.Role.STANDBY : HostState.Role.PRIMARY, lsn,
                    replayAge, now, null, true);
        } catch (PgException e) {
            boolean silent = e.sqlState().code().startsWith("08");
            return silent ? HostState.silent(shard, host, now, e.getMessage()) : HostState.failing(shard, host, now, e.getMessage());
        } catch (NumberFormatException | ArithmeticException e) {
            return HostState.failing(shard, host, now, "unexpected answer to the check: " + e.getMessage());
        }
    }

    /** Every host of the shard at once, in the shard's order: one slow host costs one timeout, not one each. */
    public List<HostState> check(Shard shard) {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HostState>> checks = new ArrayList<>();
            for (String host : shard.hosts()) {
                checks.add(threads.submit(() -> check(shard.id(), host)));
            }
            List<HostState> states = new ArrayList<>();
            for (int i = 0; i < checks.size(); i++) {
                states.add(result(checks.get(i), shard.id(), shard.hosts().get(i)));
            }
            return states;
        }
    }

    private HostState result(Future<HostState> check, String shard, String host) {
        try {
            return check.get();
        } catch (ExecutionException e) {
            return HostState.failing(shard, host, clock.instant(), String.valueOf(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HostState.silent(shard, host, clock.instant(), "interrupted");
        }
    }
}
