package dev.shardgate.console.replica;

import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.meta.Shard;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SWITCHOVER SHARD: hands the primary role from a live primary to a standby without losing a
 * committed transaction. The primary is made read-only for new transactions, its writing
 * transactions get a bounded time to finish and are then terminated, its WAL position is read,
 * the standby replays up to it and only then is promoted. Every transaction that committed on the
 * old primary committed before that read (later ones cannot write), so the new primary has it.
 */
public final class ShardSwitchover {
    private static final Logger log = LoggerFactory.getLogger(ShardSwitchover.class);

    /** How long transactions that already write may take to finish before they are terminated. */
    public static final Duration DRAIN_WAIT = Duration.ofSeconds(10);
    /** How long the standby may take to replay up to the primary's last position. */
    public static final Duration CATCH_UP_WAIT = Duration.ofSeconds(30);

    static final String READ_ONLY = "ALTER SYSTEM SET default_transaction_read_only = on";
    static final String WRITABLE = "ALTER SYSTEM RESET default_transaction_read_only";
    static final String RELOAD = "SELECT pg_reload_conf()";
    /** Client sessions holding a transaction id: the ones that have written and not yet ended. */
    static final String WRITERS = "SELECT count(*) FROM pg_stat_activity WHERE backend_xid IS NOT NULL"
            + " AND pid <> pg_backend_pid() AND backend_type = 'client backend'";
    /**
     * Every other client session goes: one still writing, and one that may have turned read-only
     * off for itself (SET default_transaction_read_only = off, BEGIN READ WRITE).
     */
    static final String TERMINATE = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            + " WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'";
    /**
     * The end of the WAL inserted so far, which holds every commit record (with synchronous_commit
     * off too, where the written position may lag), and the next transaction id: if that moves
     * later, someone wrote after the switch point.
     */
    static final String SWITCH_POINT = "SELECT pg_current_wal_insert_lsn(), pg_snapshot_xmax(pg_current_snapshot())";
    static final String NEXT_XID = "SELECT pg_snapshot_xmax(pg_current_snapshot())";

    /** How long routers hold the shard's transactions at most, should this switchover never end it. */
    static final Duration HOLD_LEASE = Duration.ofSeconds(100);

    private final HostProbe probe;
    private final TrafficHold hold;
    private final Promoter promoter;
    private final PromotionJournal journal;
    private final Clock clock;
    private final Duration drainWait;
    private final Duration catchUpWait;

    public ShardSwitchover(HostProbe probe, PromotionJournal journal, Clock clock, TrafficHold hold) {
        this(probe, journal, clock, DRAIN_WAIT, CATCH_UP_WAIT, hold);
    }

    ShardSwitchover(HostProbe probe, PromotionJournal journal, Clock clock, Duration drainWait, Duration catchUpWait,
                    TrafficHold hold) {
        this.probe = probe;
        this.hold = hold;
        this.promoter = new Promoter(probe);
        this.journal = journal;
        this.clock = clock;
        this.drainWait = drainWait;
        this.catchUpWait = catchUpWait;
    }

    /** What became of a switchover: the answer row and the host that stopped being the primary. */
    public record Outcome(ConsoleResult.Rows answer, String formerPrimary) {
    }

    /**
     * @param dropFormer takes the former primary out of the shard's host list, so that no router
     *                   sees two hosts that are not in recovery; returns nothing, throws when it
     *                   cannot (the answer then says so)
     * @throws PgException 55000 without exactly one reachable primary, for a target that is not a
     *                     reachable standby, or when the standby does not catch up in time (the
     *                     primary is then writable again)
     */
    public ConsoleResult.Rows run(Shard shard, Optional<String> target, Consumer<String> dropFormer) {
        target.ifPresent(host -> Hosts.requireHostOf(shard, host));
        List<HostState> states = probe.check(shard);
        List<HostState> primaries = states.stream().filter(HostState::isPrimary).toList();
        if (primaries.size() != 1) {
            throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "SWITCHOVER SHARD needs exactly one reachable primary; shard " + Hosts.quote(shard.id()) + " has "
                            + primaries.size())
                    .withDetail(Hosts.describe(states))
                    .withHint(primaries.isEmpty() ? "Use FAILOVER SHARD when the primary is gone." : null);
        }
        String primary = primaries.getFirst().host();
        if (target.isPresent() && target.get().equals(primary)) {
            throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "host " + Hosts.quote(primary) + " of shard " + Hosts.quote(shard.id()) + " is already the primary");
        }
        HostState chosen = target.map(host -> Hosts.reachableStandby(shard, states, host))
                .orElseGet(() -> ShardFailover.mostAdvanced(shard, states));
        String host = chosen.host();
        Promotion promotion = new Promotion("switchover", shard.id(), host, chosen.lsn(), primary, clock.instant());
        journal.started(promotion);
        log.info("event=switchover_started shard={} from={} to={}", shard.id(), primary, host);
        // New transactions wait at the routers from here to the end, in flight ones finish first:
        // clients see a pause instead of the fencing's errors.
        String held = hold.hold(shard.id(), drainWait, HOLD_LEASE);
        log.info("event=switchover_held shard={} routers=\"{}\"", shard.id(), held);
        try {
            return fenceAndPromote(shard, primary, chosen, promotion, dropFormer);
        } finally {
            hold.release(shard.id());
        }
    }

    private ConsoleResult.Rows fenceAndPromote(Shard shard, String primary, HostState chosen, Promotion promotion,
                                               Consumer<String> dropFormer) {
        String host = chosen.host();
        SwitchPoint point;
        try {
            run(shard, primary, READ_ONLY);
            run(shard, primary, RELOAD);
            drain(shard, primary);
            int terminated = Integer.parseInt(run(shard, primary, TERMINATE).getFirst().getFirst());
            List<String> row = run(shard, primary, SWITCH_POINT).getFirst();
            point = new SwitchPoint(Lsn.parse(row.get(0)), Long.parseLong(row.get(1)));
            log.info("event=switchover_fenced shard={} primary={} lsn={} terminated={}", shard.id(), primary,
                    point.lsn(), terminated);
            awaitReplay(shard, host, point.lsn());
        } catch (PgException e) {
            if (reopen(shard, primary, e)) {
                journal.finished(promotion); // nothing left to finish; otherwise the record says the primary is read-only
            }
            throw e;
        }
        promoter.promote(shard.id(), host);
        journal.finished(promotion);
        String note = "former primary, needs re-attaching: " + afterwards(shard, primary, point, dropFormer);
        log.info("event=switchover_done shard={} promoted={} lsn={} former_primary={}", shard.id(), host, point.lsn(), primary);
        return new ConsoleResult.Rows(Promotion.ANSWER_COLUMNS,
                List.of(List.of(shard.id(), host, point.lsn().toString(), primary, note)));
    }

    private record SwitchPoint(Lsn lsn, long nextXid) {
    }

    private void drain(Shard shard, String primary) {
        long deadline = System.nanoTime() + drainWait.toNanos();
        while (!"0".equals(run(shard, primary, WRITERS).getFirst().getFirst()) && System.nanoTime() < deadline) {
            pause();
        }
    }

    private void awaitReplay(Shard shard, String standby, Lsn lsn) {
        long deadline = System.nanoTime() + catchUpWait.toNanos();
        while (true) {
            HostState state = probe.check(shard.id(), standby);
            if (state.isStandby() && state.lsn().compareTo(lsn) >= 0) {
                return;
            }
            if (!state.isStandby() || System.nanoTime() > deadline) {
                String now = state.isStandby() ? "has replayed up to " + state.lsn()
                        : "is no longer a standby that answers: " + (state.error() != null ? state.error() : state.role().consoleName());
                throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                        "standby " + Hosts.quote(standby) + " of shard " + Hosts.quote(shard.id()) + " did not replay up to "
                                + lsn + " within " + seconds(catchUpWait) + ": it " + now
                                + "; the primary accepts writes again");
            }
            pause();
        }
    }

    /** The switchover stopped before any promotion: the old primary takes writes again. False when it could not. */
    private boolean reopen(Shard shard, String primary, PgException why) {
        try {
            run(shard, primary, WRITABLE);
            run(shard, primary, RELOAD);
            log.warn("event=switchover_abandoned shard={} primary={} error=\"{}\"", shard.id(), primary, why.getMessage());
            return true;
        } catch (PgException e) {
            log.error("event=switchover_abandoned shard={} primary={} error=\"{}\" reopen_error=\"{}\"",
                    shard.id(), primary, why.getMessage(), e.getMessage());
            why.addSuppressed(e);
            return false;
        }
    }

    /** Whether anyone wrote on the old primary after the switch point, and its place in the host list. */
    private String afterwards(Shard shard, String primary, SwitchPoint point, Consumer<String> dropFormer) {
        StringBuilder note = new StringBuilder("left read-only (default_transaction_read_only)");
        try {
            long nextXid = Long.parseLong(run(shard, primary, NEXT_XID).getFirst().getFirst());
            if (nextXid != point.nextXid()) {
                note.append("; WARNING: transactions started writing on it after the switch point (")
                        .append(nextXid - point.nextXid()).append(" transaction ids): check it before re-attaching");
                log.warn("event=switchover_late_writes shard={} former_primary={} xids={}", shard.id(), primary,
                        nextXid - point.nextXid());
            }
        } catch (PgException | NumberFormatException e) {
            note.append("; could not check it after the promotion: ").append(e.getMessage());
        }
        try {
            dropFormer.accept(primary);
            note.append("; dropped from the shard's hosts (ALTER SHARD ").append(shard.id()).append(" ADD HOST once it is a standby)");
        } catch (PgException e) {
            note.append("; still in the shard's hosts: ").append(e.getMessage());
        }
        return note.toString();
    }

    private List<List<String>> run(Shard shard, String host, String sql) {
        try {
            return probe.queries().query(shard.id(), host, sql, probe.timeout());
        } catch (PgException e) {
            throw new PgException(e.sqlState(), "switchover of shard " + Hosts.quote(shard.id()) + ": host "
                    + Hosts.quote(host) + ": " + e.getMessage());
        }
    }

    private static String seconds(Duration wait) {
        return java.math.BigDecimal.valueOf(wait.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PgException(SqlState.QUERY_CANCELED, "switchover interrupted");
        }
    }
}
