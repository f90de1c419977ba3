package dev.shardgate.console.replica;

import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.meta.Shard;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FAILOVER SHARD: promotes a standby when the primary is gone — pg_shardman's "promote the most
 * advanced replica", done so that it cannot make a second primary by accident: every host is asked
 * first, and a primary that answers makes the statement refuse unless FORCE says the operator
 * knows it is fenced off.
 */
public final class ShardFailover {
    private static final Logger log = LoggerFactory.getLogger(ShardFailover.class);

    private final HostProbe probe;
    private final Promoter promoter;
    private final PromotionJournal journal;
    private final Clock clock;

    public ShardFailover(HostProbe probe, PromotionJournal journal, Clock clock) {
        this.probe = probe;
        this.promoter = new Promoter(probe);
        this.journal = journal;
        this.clock = clock;
    }

    /**
     * @param target the standby to promote; without it, the reachable standby with the highest
     *               replay position (the first in the host list on a tie)
     * @throws PgException 42704 for a target that is not a host of the shard; 55000 when a primary
     *                     answers (without FORCE), when the target is not a reachable standby, or
     *                     when no standby is reachable; the host's error when promotion fails
     */
    public ConsoleResult.Rows run(Shard shard, Optional<String> target, boolean force) {
        target.ifPresent(host -> Hosts.requireHostOf(shard, host));
        List<HostState> states = probe.check(shard);
        List<HostState> primaries = states.stream().filter(HostState::isPrimary).toList();
        if (target.isPresent() && primaries.stream().anyMatch(p -> p.host().equals(target.get()))) {
            throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "host " + Hosts.quote(target.get()) + " of shard " + Hosts.quote(shard.id()) + " is already a primary");
        }
        if (!primaries.isEmpty() && !force) {
            throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "shard " + Hosts.quote(shard.id()) + " has a reachable primary " + Hosts.quoteAll(primaries)
                            + ": FAILOVER SHARD promotes a standby only when the primary is gone")
                    .withHint("Use SWITCHOVER SHARD to move the primary role without losing transactions, or"
                            + " FAILOVER SHARD " + shard.id() + " FORCE if that primary is fenced off.");
        }
        List<HostState> unchecked = states.stream().filter(HostState::isRunningUnchecked).toList();
        if (!unchecked.isEmpty() && !force) {
            // A primary that refuses logins (too many connections, a bad password) is still a
            // primary: promoting a standby beside it would make two.
            HostState first = unchecked.getFirst();
            throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "host " + Hosts.quote(first.host()) + " of shard " + Hosts.quote(shard.id())
                            + " is running but its role is unknown, so it may be the primary: " + first.error())
                    .withDetail(Hosts.describe(states))
                    .withHint("Stop that server, or use FAILOVER SHARD " + shard.id() + " FORCE if it is fenced off.");
        }
        HostState chosen = target.map(host -> Hosts.reachableStandby(shard, states, host))
                .orElseGet(() -> mostAdvanced(shard, states));
        String former = primaries.isEmpty()
                ? states.stream().filter(s -> !s.isReachable()).map(HostState::host).collect(Collectors.joining(", "))
                : primaries.stream().map(HostState::host).collect(Collectors.joining(", "));
        Promotion promotion = new Promotion("failover", shard.id(), chosen.host(), chosen.lsn(), former, clock.instant());
        log.info("event=failover_started shard={} host={} lsn={} former_primary=\"{}\" force={}",
                shard.id(), chosen.host(), chosen.lsn(), former, force);
        journal.started(promotion);
        promoter.promote(shard.id(), chosen.host());
        journal.finished(promotion);
        log.info("event=failover_done shard={} host={} lsn={}", shard.id(), chosen.host(), chosen.lsn());
        String note = primaries.isEmpty() ? "former primary unreachable; re-attach it as a standby before it returns"
                : "former primary still running (FORCE): fence it off and re-attach it as a standby";
        return new ConsoleResult.Rows(Promotion.ANSWER_COLUMNS,
                List.of(List.of(shard.id(), chosen.host(), chosen.lsn().toString(), former, note)));
    }

    /** The standby that loses the fewest transactions: the highest replay position. */
    static HostState mostAdvanced(Shard shard, List<HostState> states) {
        return states.stream().filter(HostState::isStandby)
                .max(Comparator.comparing(HostState::lsn).thenComparing(s -> -shard.hosts().indexOf(s.host())))
                .orElseThrow(() -> new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                        "shard " + Hosts.quote(shard.id()) + " has no reachable standby to promote")
                        .withDetail(Hosts.describe(states)));
    }
}
