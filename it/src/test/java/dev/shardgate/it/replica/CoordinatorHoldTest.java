package dev.shardgate.it.replica;

import static dev.shardgate.it.replica.ReplicaConsoles.client;
import static dev.shardgate.it.replica.ReplicaConsoles.console;
import static dev.shardgate.it.replica.ReplicaConsoles.host;
import static dev.shardgate.it.replica.ReplicaConsoles.rows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.coordinator.Coordinator;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.router.RouterServer;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The coordinator's PAUSE and RESUME reach every router it feeds, and its SWITCHOVER SHARD holds
 * the shard at each of them: bank transfers through two routers see a pause, not an error.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CoordinatorHoldTest {
    private static ReplicaCluster cluster;
    private static Coordinator coordinator;
    private static RouterServer r1;
    private static RouterServer r2;

    @BeforeAll
    static void start() throws Exception {
        cluster = ReplicaCluster.start(1, BankTransfers.tables());
        coordinator = cluster.coordinator();
        r1 = cluster.routerFedBy(coordinator, "r1");
        r2 = cluster.routerFedBy(coordinator, "r2");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void pauseOnTheCoordinatorHoldsTheShardOnEveryRouterUntilResume() throws Exception {
        try (Connection console = console(coordinator.consolePort()); Connection client = client(r2.port())) {
            assertThat(rows(console, "PAUSE SHARD sh1")).extracting(row -> row.get(0) + " " + row.get(2) + " " + row.get(3))
                    .containsExactly("r1 0 null", "r2 0 null");
            for (RouterServer router : List.of(r1, r2)) {
                try (Connection routerConsole = console(router.consolePort())) {
                    assertThat(rows(routerConsole, "SHOW pauses")).extracting(row -> row.subList(0, 2))
                            .containsExactly(List.of("sh1", "PAUSE"));
                }
            }
            CompletableFuture<List<String>> held = CompletableFuture.supplyAsync(() -> {
                try {
                    return Jdbc.column(client, "SELECT count(*) FROM accounts");
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(500);
            assertThat(held).as("a transaction through r2 waits").isNotDone();

            assertThat(rows(console, "RESUME SHARD sh1")).extracting(row -> row.get(0) + " " + row.get(3))
                    .containsExactly("r1 null", "r2 null");
            assertThat(held.get(10, TimeUnit.SECONDS)).containsExactly(Integer.toString(BankTransfers.ACCOUNTS));
            assertThat(rows(console, "RESUME SHARD sh1")).extracting(row -> row.get(3))
                    .containsExactly("shard \"sh1\" is not paused", "shard \"sh1\" is not paused");
        }
    }

    @Test
    @Order(2)
    void aSwitchoverOnTheCoordinatorIsAPauseForTheClientsOfEveryRouter() throws Exception {
        LocalPostgres oldPrimary = cluster.primary();
        LocalPostgres standby = cluster.standby(0);
        List<List<String>> answer;
        BankTransfers.Connect viaR1 = () -> client(r1.port());
        BankTransfers.Connect viaR2 = () -> client(r2.port());
        BankTransfers bank = new BankTransfers(List.of(viaR1, viaR2, viaR1, viaR2));
        try (bank) {
            Jdbc.await("transfers through both routers", 30_000, () -> {
                assertThat(bank.errors).as("errors before the switchover").isEmpty();
                return bank.committed.size() >= 100;
            });
            try (Connection console = console(coordinator.consolePort())) {
                answer = rows(console, "SWITCHOVER SHARD sh1");
            }
            int atSwitch = bank.committed.size();
            Jdbc.await("transfers through both routers after the switchover", 30_000,
                    () -> bank.committed.size() >= atSwitch + 100);
        }

        assertThat(answer.getFirst().subList(0, 2)).containsExactly("sh1", host(standby));
        assertThat(answer.getFirst().get(3)).isEqualTo(host(oldPrimary));
        assertThat(bank.errors).as("errors the routers' clients saw").isEmpty();
        bank.assertKeptOn(standby);
        for (RouterServer router : List.of(r1, r2)) {
            assertThat(router.context().metadata().shard("sh1").orElseThrow().hosts()).containsExactly(host(standby));
            try (Connection routerConsole = console(router.consolePort())) {
                assertThat(rows(routerConsole, "SHOW pauses")).isEmpty();
            }
        }
    }
}
