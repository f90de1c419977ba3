package dev.shardgate.console.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.meta.Shard;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShardFailoverTest {
    private final FakeHosts hosts = new FakeHosts();
    private final List<String> journal = new ArrayList<>();
    private final ShardFailover failover = new ShardFailover(
            new HostProbe(hosts, Duration.ofSeconds(1), Clock.systemUTC()), new PromotionJournal() {
                @Override
                public void started(Promotion p) {
                    journal.add("started " + p.kind() + " " + p.host() + " at " + p.lsn() + " from " + p.formerPrimary());
                }

                @Override
                public void finished(Promotion p) {
                    journal.add("finished " + p.host());
                }
            }, Clock.systemUTC());
    private final Shard shard = new Shard("sh1", List.of("p:5432", "s1:5432", "s2:5432"));

    @Test
    void refusedWhileThePrimaryAnswersNamingIt() {
        hosts.primary("p:5432", 0x3000000);
        hosts.standby("s1:5432", 0x3000000);
        hosts.standby("s2:5432", 0x2000000);

        PgException e = fails(() -> failover.run(shard, Optional.empty(), false), SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                "shard \"sh1\" has a reachable primary \"p:5432\": FAILOVER SHARD promotes a standby only when the primary is gone");
        assertThat(e.hint()).contains("SWITCHOVER SHARD", "FORCE");
        assertThat(promotions()).isEmpty();
        assertThat(journal).isEmpty();
    }

    @Test
    void promotesTheStandbyThatReplayedMostWhenThePrimaryIsGone() {
        hosts.down("p:5432");
        hosts.standby("s1:5432", 0x2000000);
        hosts.standby("s2:5432", 0x3000060);

        ConsoleResult.Rows answer = failover.run(shard, Optional.empty(), false);

        assertThat(answer.columns()).containsExactly("shard_id", "promoted_host", "lsn", "former_primary", "note");
        assertThat(answer.rows()).hasSize(1);
        assertThat(answer.rows().getFirst().subList(0, 4)).containsExactly("sh1", "s2:5432", "0/3000060", "p:5432");
        assertThat(hosts.hosts.get("s2:5432").inRecovery).isFalse();
        assertThat(hosts.hosts.get("s1:5432").inRecovery).isTrue();
        assertThat(promotions()).containsExactly("s2:5432");
        assertThat(journal).containsExactly("started failover s2:5432 at 0/3000060 from p:5432", "finished s2:5432");
    }

    @Test
    void onATieTheFirstStandbyInTheListWins() {
        hosts.down("p:5432");
        hosts.standby("s1:5432", 0x3000000);
        hosts.standby("s2:5432", 0x3000000);

        assertThat(failover.run(shard, Optional.empty(), false).rows().getFirst().get(1)).isEqualTo("s1:5432");
    }

    @Test
    void promotesTheNamedStandbyEvenIfAnotherIsAhead() {
        hosts.down("p:5432");
        hosts.standby("s1:5432", 0x2000000);
        hosts.standby("s2:5432", 0x3000000);

        assertThat(failover.run(shard, Optional.of("s1:5432"), false).rows().getFirst().get(1)).isEqualTo("s1:5432");
        assertThat(promotions()).containsExactly("s1:5432");
    }

    @Test
    void theTargetMustBeAReachableStandbyOfTheShard() {
        hosts.down("p:5432");
        hosts.down("s1:5432");
        hosts.standby("s2:5432", 0x3000000);

        fails(() -> failover.run(shard, Optional.of("x:5432"), false), SqlState.UNDEFINED_OBJECT,
                "host \"x:5432\" of shard \"sh1\" does not exist");
        fails(() -> failover.run(shard, Optional.of("s1:5432"), false), SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                "host \"s1:5432\" of shard \"sh1\" is not a reachable standby: it cannot be reached:"
                        + " cannot connect to host \"s1:5432\" of shard \"sh1\": Connection refused");
        assertThat(promotions()).isEmpty();
    }

    @Test
    void forcePromotesDespiteALivePrimaryButNeverThePrimaryItself() {
        hosts.primary("p:5432", 0x3000000);
        hosts.standby("s1:5432", 0x2000000);
        hosts.down("s2:5432");

        fails(() -> failover.run(shard, Optional.of("p:5432"), true), SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                "host \"p:5432\" of shard \"sh1\" is already a primary");
        List<String> row = failover.run(shard, Optional.empty(), true).rows().getFirst();
        assertThat(row.subList(0, 4)).containsExactly("sh1", "s1:5432", "0/2000000", "p:5432");
        assertThat(row.get(4)).contains("still running (FORCE)");
    }

    @Test
    void aHostThatRefusesLoginsIsRunningAndMayBeThePrimary() {
        hosts.primary("p:5432", 0x3000000).refusesLogin = SqlState.TOO_MANY_CONNECTIONS;
        hosts.standby("s1:5432", 0x3000000);
        hosts.standby("s2:5432", 0x2000000);

        PgException e = fails(() -> failover.run(shard, Optional.empty(), false), SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                "host \"p:5432\" of shard \"sh1\" is running but its role is unknown, so it may be the primary:"
                        + " host \"p:5432\" of shard \"sh1\": sorry, too many clients already");
        assertThat(e.hint()).contains("FORCE");
        assertThat(promotions()).isEmpty();
        // FORCE says the operator knows it is fenced off
        assertThat(failover.run(shard, Optional.empty(), true).rows().getFirst().get(1)).isEqualTo("s1:5432");
    }

    @Test
    void withoutAReachableStandbyItSaysWhatEachHostIs() {
        hosts.down("p:5432");
        hosts.down("s1:5432");
        hosts.down("s2:5432");

        PgException e = fails(() -> failover.run(shard, Optional.empty(), false), SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                "shard \"sh1\" has no reachable standby to promote");
        assertThat(e.detail()).contains("p:5432 unknown (cannot connect", "s2:5432 unknown (cannot connect");
        assertThat(journal).isEmpty();
    }

    @Test
    void aRefusedPromotionNamesTheHostAndStaysInTheJournal() {
        hosts.down("p:5432");
        hosts.standby("s1:5432", 0x2000000).refusesPromotion = true;
        hosts.down("s2:5432");

        fails(() -> failover.run(shard, Optional.empty(), false), SqlState.INSUFFICIENT_PRIVILEGE,
                "cannot promote host \"s1:5432\" of shard \"sh1\": permission denied for function pg_promote");
        assertThat(journal).containsExactly("started failover s1:5432 at 0/2000000 from p:5432, s2:5432");
    }

    private List<String> promotions() {
        return hosts.hosts.entrySet().stream()
                .filter(e -> e.getValue().received.stream().anyMatch(sql -> sql.startsWith("SELECT pg_promote(true, 60)")))
                .map(java.util.Map.Entry::getKey).toList();
    }

    static PgException fails(Runnable action, SqlState state, String message) {
        PgException e = catchThrowableOfType(PgException.class, action::run);
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).isEqualTo(message);
        assertThat(e.sqlState()).isEqualTo(state);
        return e;
    }
}
