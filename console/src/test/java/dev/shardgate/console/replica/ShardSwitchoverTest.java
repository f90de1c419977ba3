package dev.shardgate.console.replica;

import static dev.shardgate.console.replica.ShardFailoverTest.fails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.meta.Shard;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShardSwitchoverTest {
    private final FakeHosts hosts = new FakeHosts();
    private final List<String> dropped = new ArrayList<>();
    private final ShardSwitchover switchover = new ShardSwitchover(
            new HostProbe(hosts, Duration.ofSeconds(1), Clock.systemUTC()), PromotionJournal.NONE, Clock.systemUTC(),
            Duration.ofMillis(200), Duration.ofMillis(500), TrafficHold.NONE);
    private final Shard shard = new Shard("sh1", List.of("p:5432", "s1:5432", "s2:5432"));

    @Test
    void fencesThePrimaryWaitsForTheStandbyToReplayItAllThenPromotes() {
        FakeHosts.Host primary = hosts.primary("p:5432", 0x3000100);
        primary.writers = 2;
        hosts.standby("s1:5432", 0x3000000).replayStep = 0x40;
        hosts.standby("s2:5432", 0x2000000);

        List<String> row = switchover.run(shard, Optional.empty(), dropped::add).rows().getFirst();

        assertThat(row.subList(0, 4)).containsExactly("sh1", "s1:5432", "0/3000100", "p:5432");
        assertThat(row.get(4)).startsWith("former primary, needs re-attaching: left read-only")
                .contains("dropped from the shard's hosts").doesNotContain("WARNING");
        assertThat(hosts.hosts.get("s1:5432").inRecovery).isFalse();
        assertThat(hosts.hosts.get("s1:5432").lsn).isEqualTo(0x3000100);
        assertThat(primary.readOnly).isTrue();
        assertThat(dropped).containsExactly("p:5432");
        // made read-only before its position was read; the position read before the promotion
        List<String> sent = primary.received.stream().filter(sql -> !sql.equals(ShardSwitchover.WRITERS)).toList();
        assertThat(sent).containsSubsequence(ShardSwitchover.READ_ONLY, ShardSwitchover.RELOAD,
                ShardSwitchover.TERMINATE, ShardSwitchover.SWITCH_POINT, ShardSwitchover.NEXT_XID);
    }

    @Test
    void holdsTheShardAtTheRoutersFromBeforeTheFenceUntilTheFormerPrimaryLeftTheHostList() {
        FakeHosts.Host primary = hosts.primary("p:5432", 0x3000100);
        hosts.standby("s1:5432", 0x3000100);
        hosts.standby("s2:5432", 0x2000000);
        List<String> events = new ArrayList<>();
        ShardSwitchover held = new ShardSwitchover(new HostProbe((s, h, sql, t) -> {
            if (sql.equals(ShardSwitchover.READ_ONLY)) {
                events.add("fence");
            }
            return hosts.query(s, h, sql, t);
        }, Duration.ofSeconds(1), Clock.systemUTC()), PromotionJournal.NONE, Clock.systemUTC(),
                Duration.ofMillis(200), Duration.ofMillis(500), new TrafficHold() {
                    @Override
                    public String hold(String shard, Duration drain, Duration lease) {
                        events.add("hold " + shard + " drain=" + drain.toMillis() + " lease=" + lease.toSeconds());
                        return "held";
                    }

                    @Override
                    public void release(String shard) {
                        events.add("release " + shard);
                    }
                });

        held.run(shard, Optional.empty(), host -> events.add("drop " + host));

        assertThat(events).containsExactly("hold sh1 drain=200 lease=100", "fence", "drop p:5432", "release sh1");
        assertThat(primary.readOnly).isTrue();
    }

    @Test
    void aFailedSwitchoverReleasesTheHoldToo() {
        hosts.primary("p:5432", 0x3000100);
        hosts.standby("s1:5432", 0x3000000);
        hosts.down("s2:5432");
        List<String> events = new ArrayList<>();
        ShardSwitchover held = new ShardSwitchover(new HostProbe(hosts, Duration.ofSeconds(1), Clock.systemUTC()),
                PromotionJournal.NONE, Clock.systemUTC(), Duration.ofMillis(200), Duration.ofMillis(300), new TrafficHold() {
                    @Override
                    public String hold(String shard, Duration drain, Duration lease) {
                        events.add("hold");
                        return "held";
                    }

                    @Override
                    public void release(String shard) {
                        events.add("release");
                    }
                });

        fails(() -> held.run(shard, Optional.empty(), dropped::add), SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                "standby \"s1:5432\" of shard \"sh1\" did not replay up to 0/3000100 within 0.3 s: it has replayed up to"
                        + " 0/3000000; the primary accepts writes again");
        assertThat(events).containsExactly("hold", "release");
    }

    @Test
    void aStandbyThatDoesNotCatchUpLeavesThePrimaryWritable() {
        FakeHosts.Host primary = hosts.primary("p:5432", 0x3000100);
        hosts.standby("s1:5432", 0x3000000);
        hosts.down("s2:5432");

        fails(() -> switchover.run(shard, Optional.empty(), dropped::add), SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                "standby \"s1:5432\" of shard \"sh1\" did not replay up to 0/3000100 within 0.5 s: it has replayed up to"
                        + " 0/3000000; the primary accepts writes again");
        assertThat(primary.readOnly).isFalse();
        assertThat(primary.received).endsWith(ShardSwitchover.WRITABLE, ShardSwitchover.RELOAD);
        assertThat(hosts.hosts.get("s1:5432").inRecovery).isTrue();
        assertThat(dropped).isEmpty();
    }

    @Test
    void needsExactlyOneLivePrimary() {
        hosts.down("p:5432");
        hosts.standby("s1:5432", 0x3000000);
        hosts.standby("s2:5432", 0x3000000);

        PgException e = fails(() -> switchover.run(shard, Optional.empty(), dropped::add),
                SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                "SWITCHOVER SHARD needs exactly one reachable primary; shard \"sh1\" has 0");
        assertThat(e.hint()).isEqualTo("Use FAILOVER SHARD when the primary is gone.");
    }

    @Test
    void reportsWritesThatSlippedInAfterTheSwitchPoint() {
        FakeHosts.Host primary = hosts.primary("p:5432", 0x3000000);
        hosts.standby("s1:5432", 0x3000000);
        hosts.standby("s2:5432", 0x3000000);
        primary.nextXid = 1000;
        // a session that turned read-only off for itself writes right after the switch point
        ShardSwitchover watching = new ShardSwitchover(new HostProbe((s, h, sql, t) -> {
            List<List<String>> rows = hosts.query(s, h, sql, t);
            if (sql.equals(ShardSwitchover.SWITCH_POINT)) {
                primary.nextXid = 1003;
            }
            return rows;
        }, Duration.ofSeconds(1), Clock.systemUTC()), PromotionJournal.NONE, Clock.systemUTC(), TrafficHold.NONE);

        List<String> row = watching.run(shard, Optional.of("s2:5432"), host -> {
            throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, "metadata is read-only here");
        }).rows().getFirst();

        assertThat(row.get(1)).isEqualTo("s2:5432");
        assertThat(row.get(4)).contains("WARNING: transactions started writing on it after the switch point (3 transaction ids)")
                .contains("still in the shard's hosts: metadata is read-only here");
    }
}
