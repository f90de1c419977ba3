package dev.shardgate.router.pool;

import static dev.shardgate.router.config.TargetSessionAttrs.ANY;
import static dev.shardgate.router.config.TargetSessionAttrs.PREFER_STANDBY;
import static dev.shardgate.router.config.TargetSessionAttrs.PRIMARY;
import static dev.shardgate.router.config.TargetSessionAttrs.READ_ONLY;
import static dev.shardgate.router.config.TargetSessionAttrs.READ_WRITE;
import static dev.shardgate.router.config.TargetSessionAttrs.STANDBY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.router.config.TargetSessionAttrs;
import dev.shardgate.router.pool.HostChoice.Candidate;
import dev.shardgate.router.pool.HostChoice.LagLimit;
import dev.shardgate.wire.PgException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which host a transaction gets, by target_session_attrs, roles, health and lag. */
class HostChoiceTest {
    private static final Instant NOW = Instant.parse("2026-12-07T00:00:00Z");

    private static HostStatus primary() {
        return new HostStatus(HostRole.PRIMARY, true, false, false, 1000, 0, 0, NOW, null, 0, 1);
    }

    private static HostStatus standby(long lagBytes, double lagSeconds) {
        return new HostStatus(HostRole.STANDBY, true, false, false, 1000 - lagBytes, lagBytes, lagSeconds, NOW, null, 0, 1);
    }

    private static HostStatus down(HostRole role) {
        return new HostStatus(role, false, false, true, -1, -1, -1, NOW, "connection refused", 3, 0);
    }

    private static Candidate host(String name, HostStatus status) {
        return new Candidate(name, status, 0);
    }

    private static String chosen(TargetSessionAttrs attrs, LagLimit lag, Candidate... hosts) {
        return hosts[HostChoice.choose("sh1", attrs, List.of(hosts), lag, 0)].host();
    }

    private static String chosen(TargetSessionAttrs attrs, Candidate... hosts) {
        return chosen(attrs, LagLimit.NONE, hosts);
    }

    private static PgException refused(TargetSessionAttrs attrs, LagLimit lag, Candidate... hosts) {
        return catchThrowableOfType(PgException.class, () -> HostChoice.choose("sh1", attrs, List.of(hosts), lag, 0));
    }

    @Test
    void writesGoToThePrimaryWhereverItIsListed() {
        Candidate a = host("a:5432", standby(0, 0));
        Candidate b = host("b:5432", primary());
        assertThat(chosen(READ_WRITE, a, b)).isEqualTo("b:5432");
        assertThat(chosen(PRIMARY, a, b)).isEqualTo("b:5432");
    }

    @Test
    void readsGoToTheStandbyAndPreferStandbyFallsBackToThePrimary() {
        Candidate p = host("p:1", primary());
        Candidate s = host("s:1", standby(0, 0));
        assertThat(chosen(READ_ONLY, p, s)).isEqualTo("s:1");
        assertThat(chosen(STANDBY, p, s)).isEqualTo("s:1");
        assertThat(chosen(PREFER_STANDBY, p, s)).isEqualTo("s:1");
        Candidate gone = host("s:1", down(HostRole.STANDBY));
        assertThat(chosen(PREFER_STANDBY, p, gone)).isEqualTo("p:1");
        PgException error = refused(STANDBY, LagLimit.NONE, p, gone);
        assertThat(error.sqlState().code()).isEqualTo("08001");
        assertThat(error.getMessage()).contains("shard \"sh1\" has no usable standby")
                .contains("s:1 is down after 3 failed checks (connection refused)").contains("p:1 is a primary");
    }

    @Test
    void aPrimaryReadOnlyByDefaultServesReadOnlyButNotReadWrite() {
        HostStatus readOnly = new HostStatus(HostRole.PRIMARY, true, true, false, 1, 0, 0, NOW, null, 0, 1);
        Candidate p = host("p:1", readOnly);
        assertThat(chosen(READ_ONLY, p)).isEqualTo("p:1");
        assertThat(chosen(PRIMARY, p)).isEqualTo("p:1");
        assertThat(refused(READ_WRITE, LagLimit.NONE, p).getMessage())
                .contains("has no usable primary").contains("default_transaction_read_only on");
    }

    @Test
    void noUsablePrimaryNamesTheShardAndWhy() {
        PgException error = refused(READ_WRITE, LagLimit.NONE, host("p:1", down(HostRole.PRIMARY)), host("s:1", standby(0, 0)));
        assertThat(error.sqlState().code()).isEqualTo("08001");
        assertThat(error.getMessage()).startsWith("shard \"sh1\" has no usable primary")
                .contains("p:1 is down").contains("s:1 is a standby");
    }

    @Test
    void twoPrimariesTakeNoWritesAndTheErrorNamesBoth() {
        Candidate a = host("a:1", primary());
        Candidate b = host("b:1", primary());
        PgException error = refused(READ_WRITE, LagLimit.NONE, a, b);
        assertThat(error.sqlState().code()).isEqualTo("08006");
        assertThat(error.getMessage()).contains("sh1").contains("a:1").contains("b:1").contains("both claim to be primary");
        assertThat(refused(ANY, LagLimit.NONE, a, b).getMessage()).contains("both claim to be primary");
        assertThat(chosen(READ_ONLY, a, b, host("s:1", standby(0, 0)))).as("reads go on on a standby").isEqualTo("s:1");
    }

    @Test
    void aFormerPrimaryFencedReadOnlyIsNoRivalOfTheNewOne() {
        HostStatus fenced = new HostStatus(HostRole.PRIMARY, true, true, false, 900, 0, 0, NOW, null, 0, 1);
        assertThat(chosen(READ_WRITE, host("old:1", fenced), host("new:1", primary()))).isEqualTo("new:1");
    }

    @Test
    void aDeadPrimaryWhoseCheckFailedLosesToAFreshlyPromotedOne() {
        HostStatus stale = new HostStatus(HostRole.PRIMARY, false, false, false, 900, 0, 0, NOW, "connection refused", 1, 0);
        assertThat(chosen(READ_WRITE, host("old:1", stale), host("new:1", primary()))).isEqualTo("new:1");
        assertThat(chosen(READ_WRITE, host("old:1", stale), host("s:1", standby(0, 0))))
                .as("a primary whose last check failed is still tried while it is not down").isEqualTo("old:1");
    }

    @Test
    void aStandbyLaggingPastTheLimitGetsNoReadsUntilItCatchesUp() {
        Candidate p = host("p:1", primary());
        LagLimit oneMegabyte = new LagLimit(1 << 20, Duration.ZERO);
        assertThat(refused(READ_ONLY, oneMegabyte, p, host("s:1", standby(2 << 20, 5))).getMessage())
                .contains("has no usable host for reads").contains("over max_replica_lag");
        assertThat(chosen(READ_ONLY, oneMegabyte, p, host("s:1", standby(1000, 5)))).isEqualTo("s:1");
    }

    @Test
    void lagLimitsInBytesAndTime() {
        Candidate p = host("p:1", primary());
        LagLimit bytes = new LagLimit(1 << 20, Duration.ZERO);
        LagLimit time = new LagLimit(0, Duration.ofSeconds(10));
        Candidate behind = host("s:1", standby(2 << 20, 5));
        assertThat(chosen(PREFER_STANDBY, bytes, p, behind)).isEqualTo("p:1");
        assertThat(chosen(PREFER_STANDBY, time, p, behind)).as("5 s is within 10 s").isEqualTo("s:1");
        assertThat(chosen(PREFER_STANDBY, time, p, host("s:1", standby(100, 30)))).isEqualTo("p:1");
        assertThat(refused(STANDBY, bytes, p, behind).getMessage()).contains("s:1 is a standby lagging 2097152 bytes / 5.0 s, over max_replica_lag");
        assertThat(chosen(STANDBY, bytes, p, host("s:1", standby(0, 0)))).as("caught up again").isEqualTo("s:1");
    }

    @Test
    void equallyBusyStandbysTakeTurnsAndABusyOneIsPassedOver() {
        List<Candidate> hosts = List.of(host("p:1", primary()), host("s1:1", standby(0, 0)), host("s2:1", standby(0, 0)));
        Set<String> seen = new HashSet<>();
        for (int turn = 0; turn < 4; turn++) {
            seen.add(hosts.get(HostChoice.choose("sh1", READ_ONLY, hosts, LagLimit.NONE, turn)).host());
        }
        assertThat(seen).containsExactlyInAnyOrder("s1:1", "s2:1");
        List<Candidate> busy = List.of(new Candidate("s1:1", standby(0, 0), 5), new Candidate("s2:1", standby(0, 0), 1));
        for (int turn = 0; turn < 4; turn++) {
            assertThat(busy.get(HostChoice.choose("sh1", STANDBY, busy, LagLimit.NONE, turn)).host()).isEqualTo("s2:1");
        }
    }

    @Test
    void hostsOfUnknownRoleAreTriedWhenNoKnownHostFits() {
        Candidate unknown = host("u:1", HostStatus.UNCHECKED);
        assertThat(chosen(READ_WRITE, host("s:1", standby(0, 0)), unknown)).isEqualTo("u:1");
        assertThat(chosen(READ_ONLY, host("s:1", standby(0, 0)), unknown)).isEqualTo("s:1");
    }

    @Test
    void readYourWritesTakesOnlyStandbysThatReplayedPastTheWrite() {
        Candidate p = host("p:5432", primary());
        Candidate behind = host("s1:5432", standby(300, 0.1)); // replayed up to 700
        Candidate caughtUp = host("s2:5432", standby(0, 0)); // replayed up to 1000
        assertThat(chosen(STANDBY, LagLimit.NONE.replayedPast(900), p, behind, caughtUp)).isEqualTo("s2:5432");
        assertThat(refused(STANDBY, LagLimit.NONE.replayedPast(1_001), p, behind, caughtUp).getMessage())
                .as("no standby replayed that far: the pool then asks the primary").contains("no usable standby");
        assertThat(chosen(PREFER_STANDBY, LagLimit.NONE.replayedPast(1_001), p, behind, caughtUp)).isEqualTo("p:5432");
    }
}

