package dev.shardgate.it.replica;

import static dev.shardgate.it.replica.ReplicaConsoles.console;
import static dev.shardgate.it.replica.ReplicaConsoles.direct;
import static dev.shardgate.it.replica.ReplicaConsoles.execute;
import static dev.shardgate.it.replica.ReplicaConsoles.host;
import static dev.shardgate.it.replica.ReplicaConsoles.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.coordinator.Coordinator;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.router.RouterServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One shard: a primary and two standbys. While the primary lives, FAILOVER SHARD is refused on the
 * router's and the coordinator's consoles; once it is killed, the coordinator promotes the standby
 * that replayed most, not the one whose replay was paused behind it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverShardTest {
    private static ReplicaCluster cluster;
    private static RouterServer router;
    private static Coordinator coordinator;

    @BeforeAll
    static void start() throws Exception {
        cluster = ReplicaCluster.start(2, "CREATE TABLE events (id text PRIMARY KEY)", "INSERT INTO events VALUES ('early')");
        router = cluster.router();
        coordinator = cluster.coordinator();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void refusedOnBothConsolesWhileThePrimaryAnswersNamingIt() throws SQLException {
        String primary = host(cluster.primary());
        for (int port : new int[] {router.consolePort(), coordinator.consolePort()}) {
            try (Connection console = console(port)) {
                SQLException refused = catchThrowableOfType(SQLException.class,
                        () -> execute(console, "FAILOVER SHARD sh1"));
                assertThat(refused.getSQLState()).isEqualTo("55000");
                assertThat(refused.getMessage()).contains("shard \"sh1\" has a reachable primary \"" + primary + "\"");
                // the session goes on
                assertThat(rows(console, "SHOW shards")).hasSize(1);
            }
        }
        assertThat(cluster.standby(0).isInRecovery()).isTrue();
        assertThat(cluster.standby(1).isInRecovery()).isTrue();
    }

    @Test
    @Order(2)
    void theCoordinatorShowsEachHostsRoleAndLag() throws SQLException {
        try (Connection console = console(coordinator.consolePort())) {
            List<List<String>> hosts = rows(console, "SHOW hosts");
            assertThat(hosts).extracting(row -> row.subList(0, 4)).containsExactly(
                    List.of("sh1", host(cluster.primary()), "primary", "up"),
                    List.of("sh1", host(cluster.standby(0)), "standby", "up"),
                    List.of("sh1", host(cluster.standby(1)), "standby", "up"));
            assertThat(hosts).allSatisfy(row -> assertThat(row.get(4)).matches("[0-9]+"));
        }
    }

    @Test
    @Order(3)
    void withThePrimaryKilledTheStandbyThatReplayedMostIsPromoted() throws SQLException {
        LocalPostgres behind = cluster.standby(0);
        LocalPostgres ahead = cluster.standby(1);
        behind.pauseReplay();
        try (Connection primary = direct(cluster.primary())) {
            execute(primary, "INSERT INTO events VALUES ('late')");
        }
        ahead.waitForReplay(cluster.primary(), Duration.ofSeconds(60));
        String lsnAhead = ahead.replayLsn();
        cluster.primary().kill();

        try (Connection console = console(coordinator.consolePort())) {
            List<List<String>> answer = rows(console, "FAILOVER SHARD sh1");

            assertThat(answer).hasSize(1);
            assertThat(answer.getFirst().subList(0, 4))
                    .containsExactly("sh1", host(ahead), lsnAhead, host(cluster.primary()));
            assertThat(ahead.isInRecovery()).isFalse();
            assertThat(behind.isInRecovery()).isTrue();
            try (Connection promoted = direct(ahead)) {
                assertThat(Jdbc.column(promoted, "SELECT id FROM events ORDER BY id")).containsExactly("early", "late");
                execute(promoted, "INSERT INTO events VALUES ('after failover')");
            }
            assertThat(rows(console, "SHOW promotions")).isEmpty();

            // the promoted standby is now the live primary: a second FAILOVER is refused, naming it
            SQLException again = catchThrowableOfType(SQLException.class, () -> execute(console, "FAILOVER SHARD sh1"));
            assertThat(again.getSQLState()).isEqualTo("55000");
            assertThat(again.getMessage()).contains("reachable primary \"" + host(ahead) + "\"");
        } finally {
            behind.resumeReplay();
        }
    }
}
