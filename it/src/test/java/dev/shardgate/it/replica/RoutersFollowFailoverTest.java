package dev.shardgate.it.replica;

import static dev.shardgate.it.replica.ReplicaConsoles.client;
import static dev.shardgate.it.replica.ReplicaConsoles.direct;
import static dev.shardgate.it.replica.ReplicaConsoles.execute;
import static dev.shardgate.it.replica.ReplicaConsoles.hostRow;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.coordinator.Coordinator;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.meta.Metadata;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.HealthSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two routers fed by one coordinator, in front of a shard of a primary and a streaming standby
 * registered on the coordinator's console. The primary is SIGKILLed and the standby promoted with
 * {@code pg_ctl promote}, not through any console: each router finds the new primary by its own
 * health checks and sends it writes within one check interval plus one check, and the metadata
 * stays as it was. (A host unreachable when a router starts is reported in SHOW hosts while the
 * others serve: HostsTest.aHostUnreachableAtStartIsReportedAndTheOthersServe.)
 */
@Timeout(120)
class RoutersFollowFailoverTest {
    private static final Duration INTERVAL = Duration.ofMillis(500);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(1);
    private static final HealthSettings HEALTH = HealthSettings.DEFAULTS.withInterval(INTERVAL).withTimeout(CHECK_TIMEOUT)
            .withCounts(3, 2);
    /**
     * The promise, one interval plus one check, and a second for the client's own login and
     * INSERT on a machine whose two cores several test JVMs share.
     */
    private static final Duration FOLLOW = INTERVAL.plus(CHECK_TIMEOUT).plusSeconds(1);

    /** When a router's first write after the promotion committed, and the errors its client got before. */
    private record Followed(String router, long millis, List<String> errors) {
    }

    @Test
    void bothRoutersWriteToThePromotedStandbyWithoutAMetadataChange() throws Exception {
        try (ReplicaCluster cluster = ReplicaCluster.start(1, "CREATE TABLE ticks (router text NOT NULL, phase text NOT NULL)")) {
            LocalPostgres primary = cluster.primary();
            LocalPostgres standby = cluster.standby(0);
            Coordinator coordinator = cluster.coordinator();
            Map<String, RouterServer> routers = new LinkedHashMap<>();
            for (String name : List.of("r1", "r2")) {
                RouterServer router = cluster.routerFedBy(coordinator, name, HEALTH);
                routers.put(name, router);
                Jdbc.await(name + " to see both roles", 10_000, () -> "primary".equals(role(router, primary))
                        && "standby".equals(role(router, standby)));
                assertThat(write(router, name, "before")).isEqualTo(primary.port());
            }
            long version = coordinator.qdb().version();
            Metadata before = routers.get("r1").context().metadata();
            assertThat(routers.get("r2").context().metadata()).isEqualTo(before);

            // replication is asynchronous (and the servers commit with synchronous_commit off): what the
            // standby has not replayed when its primary dies is lost to any failover, router or not
            standby.waitForReplay(primary, Duration.ofSeconds(30));
            primary.kill();
            standby.promote();
            long promoted = System.nanoTime();
            // both at once: one router's clients must not wait for the other's
            List<CompletableFuture<Followed>> following = routers.entrySet().stream()
                    .map(router -> CompletableFuture.supplyAsync(
                            () -> followed(router.getValue(), router.getKey(), standby, promoted)))
                    .toList();

            for (CompletableFuture<Followed> router : following) {
                Followed followed = router.get();
                assertThat(followed.millis()).as(followed + ": ms from the promotion to the first write on it")
                        .isLessThanOrEqualTo(FOLLOW.toMillis());
                // each error came as an ErrorResponse naming the shard: pgjdbc's own I/O failures say "I/O error"
                assertThat(followed.errors()).allSatisfy(error -> assertThat(error).doesNotContain("I/O error").contains("sh1"));
            }
            try (Connection promotedServer = direct(standby)) {
                assertThat(Jdbc.column(promotedServer, "SELECT router || ' ' || phase FROM ticks ORDER BY 1"))
                        .containsExactly("r1 after", "r1 before", "r2 after", "r2 before");
            }
            for (Map.Entry<String, RouterServer> named : routers.entrySet()) {
                RouterServer router = named.getValue();
                Jdbc.await("SHOW hosts on " + named.getKey() + ": the killed primary down", 10_000,
                        () -> "down".equals(row(router, primary).get("state")));
                assertThat(row(router, standby)).as(named.getKey()).containsEntry("role", "primary").containsEntry("state", "up");
                // SPQR's SHOW tsa_cache, from the same checks: the promoted host now matches read-write only
                try (Connection console = ReplicaConsoles.console(router.consolePort())) {
                    assertThat(ReplicaConsoles.rows(console, "SHOW tsa_cache (tsa, alive, match) WHERE host = '"
                            + ReplicaConsoles.host(standby) + "'")).as(named.getKey()).containsExactly(
                            List.of("read-write", "true", "true"), List.of("read-only", "true", "false"));
                    assertThat(ReplicaConsoles.rows(console, "SHOW tsa_cache (tsa, alive, match) WHERE host = '"
                            + ReplicaConsoles.host(primary) + "'")).as(named.getKey()).containsExactly(
                            List.of("read-write", "false", "false"), List.of("read-only", "false", "false"));
                }
                assertThat(router.context().metadata()).as("no metadata change on " + named.getKey()).isEqualTo(before);
            }
            assertThat(coordinator.qdb().version()).as("the coordinator's metadata version").isEqualTo(version);
        }
    }

    /**
     * Tries an INSERT through {@code router}, a new connection each time, until one lands on
     * {@code promoted}; gives up 15 s after the promotion.
     */
    private static Followed followed(RouterServer router, String name, LocalPostgres promoted, long promotedAt) {
        List<String> errors = new ArrayList<>();
        while (System.nanoTime() - promotedAt < Duration.ofSeconds(15).toNanos()) {
            try {
                int port = write(router, name, "after");
                long millis = (System.nanoTime() - promotedAt) / 1_000_000;
                assertThat(port).as("the host an INSERT committed on").isEqualTo(promoted.port());
                return new Followed(name, millis, errors);
            } catch (SQLException e) {
                errors.add(e.getSQLState() + " " + e.getMessage());
                pause();
            }
        }
        throw new AssertionError("router " + name + " wrote nothing 15 s after the promotion; errors: " + errors);
    }

    /** One INSERT through {@code router} in a transaction that also answers the port of the server it ran on. */
    private static int write(RouterServer router, String name, String phase) throws SQLException {
        try (Connection connection = client(router.port())) {
            connection.setAutoCommit(false);
            execute(connection, "INSERT INTO ticks VALUES ('" + name + "', '" + phase + "')");
            int port = (int) Jdbc.number(connection, "SELECT inet_server_port()");
            connection.commit();
            return port;
        }
    }

    private static String role(RouterServer router, LocalPostgres server) {
        return row(router, server).get("role");
    }

    private static Map<String, String> row(RouterServer router, LocalPostgres server) {
        return hostRow(router.consolePort(), server);
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
