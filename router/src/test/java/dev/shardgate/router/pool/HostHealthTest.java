package dev.shardgate.router.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.router.backend.BackendAddress;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A host is down after N failed checks in a row, up after M good ones; its role is what the server last said. */
class HostHealthTest {
    private static final Instant AT = Instant.parse("2026-12-07T00:00:00Z");
    private static final CheckResult PRIMARY = new CheckResult(false, false, 1000, -1);
    private static final CheckResult STANDBY = new CheckResult(true, false, 900, 0.5);

    private final HostHealth health = new HostHealth(new BackendAddress("sh1", "10.0.0.1", 5432));

    @Test
    void downAfterNFailuresUpAfterMSuccesses() {
        assertThat(health.status().state()).isEqualTo("unchecked");
        health.checked(PRIMARY, AT, 2, 0);
        assertThat(health.status().role()).isEqualTo(HostRole.PRIMARY);
        assertThat(health.status().state()).isEqualTo("up");
        health.failed("Connection refused", AT, 3);
        health.failed("Connection refused", AT, 3);
        assertThat(health.status().down()).as("two of three").isFalse();
        assertThat(health.status().roleIsCurrent()).isFalse();
        assertThat(health.status().role()).as("the last known role stays").isEqualTo(HostRole.PRIMARY);
        health.failed("Connection refused", AT, 3);
        assertThat(health.status().down()).isTrue();
        assertThat(health.status().lastError()).isEqualTo("Connection refused");
        health.checked(PRIMARY, AT, 2, 0);
        assertThat(health.status().down()).as("one of two").isTrue();
        health.checked(PRIMARY, AT, 2, 0);
        assertThat(health.status().down()).isFalse();
        assertThat(health.status().lastError()).isNull();
    }

    @Test
    void aCrowdOfFailedConnectsCountsOnceBetweenChecks() {
        health.checked(PRIMARY, AT, 2, 0);
        for (int i = 0; i < 10; i++) {
            health.connectFailed("Connection refused", 3);
        }
        assertThat(health.status().failsInARow()).isEqualTo(1);
        assertThat(health.status().down()).isFalse();
        health.failed("timeout", AT, 3);
        health.connectFailed("Connection refused", 3);
        assertThat(health.status().down()).isTrue();
    }

    @Test
    void aRoleChangeIsNotedSoThatOlderConnectionsAreNotReused() {
        health.checked(STANDBY, AT, 2, 0);
        long before = health.roleChangedNanos();
        health.checked(STANDBY, AT, 2, 0);
        assertThat(health.roleChangedNanos()).isEqualTo(before);
        health.checked(PRIMARY, AT, 2, 0);
        assertThat(health.roleChangedNanos()).isGreaterThan(before);
        assertThat(health.status().role()).isEqualTo(HostRole.PRIMARY);
    }

    @Test
    void theLoginTellsTheRoleOnlyUntilACheckDoes() {
        health.learnedAtLogin("on", "off");
        assertThat(health.status().role()).isEqualTo(HostRole.STANDBY);
        assertThat(health.status().roleIsCurrent()).isFalse();
        health.checked(PRIMARY, AT, 2, 0);
        health.learnedAtLogin("on", "off");
        assertThat(health.status().role()).isEqualTo(HostRole.PRIMARY);
    }

    @Test
    void theQueryAnswerIsParsedAsTheServerPrintsIt() {
        assertThat(HealthQuery.parse(new String[] {"t", "off", "50331976", "1.25"}))
                .isEqualTo(new CheckResult(true, false, 50331976, 1.25));
        assertThat(HealthQuery.parse(new String[] {"f", "on", "50331976", null}))
                .isEqualTo(new CheckResult(false, true, 50331976, -1));
        assertThat(HealthQuery.parse(new String[] {"t", "off", null, null}).walBytes()).isEqualTo(-1);
    }

    @Test
    void aPrimarysWalPositionIsRememberedByWhenItsCheckWasSent() {
        health.checked(new CheckResult(false, false, 100, -1), AT, 2, 1_000);
        health.checked(new CheckResult(false, false, 200, -1), AT, 2, 2_000);
        health.checked(new CheckResult(false, false, 300, -1), AT, 2, 3_000);
        assertThat(health.primaryWalCheckedAfter(1_500)).as("the first check sent after the write").isEqualTo(200);
        assertThat(health.primaryWalCheckedAfter(500)).isEqualTo(100);
        assertThat(health.primaryWalCheckedAfter(3_000)).as("no check sent since").isEqualTo(-1);
        health.checked(STANDBY, AT, 2, 4_000);
        assertThat(health.primaryWalCheckedAfter(3_500)).as("a standby's replay position is no primary's").isEqualTo(-1);
    }
}
