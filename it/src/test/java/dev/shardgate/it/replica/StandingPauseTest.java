package dev.shardgate.it.replica;

import static dev.shardgate.it.replica.ReplicaConsoles.client;
import static dev.shardgate.it.replica.ReplicaConsoles.console;
import static dev.shardgate.it.replica.ReplicaConsoles.rows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.coordinator.Coordinator;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.qdb.LocalEtcd;
import dev.shardgate.router.RouterServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A PAUSE given on the coordinator stands until RESUME: a router registered while it stands is
 * paused too, before its clients' transactions reach the shard; one registered after RESUME is not.
 */
class StandingPauseTest {

    @Test
    void aRouterRegisteredDuringAPauseIsPausedAndResumedWithTheOthers() throws Exception {
        try (ReplicaCluster cluster = ReplicaCluster.start(0, BankTransfers.tables())) {
            Coordinator coordinator = cluster.coordinator();
            RouterServer r1 = cluster.routerFedBy(coordinator, "r1");
            try (Connection console = console(coordinator.consolePort())) {
                assertThat(rows(console, "PAUSE SHARD sh1")).extracting(row -> row.getFirst()).containsExactly("r1");

                RouterServer r2 = cluster.routerFedBy(coordinator, "r2");
                Jdbc.await("r2 holds the standing pause", 10_000, () -> pauses(r2).equals(List.of(List.of("sh1", "PAUSE"))));
                try (Connection client = client(r2.port())) {
                    CompletableFuture<List<String>> held = CompletableFuture.supplyAsync(() -> count(client));
                    Thread.sleep(500);
                    assertThat(held).as("a transaction through r2 waits").isNotDone();

                    assertThat(rows(console, "RESUME SHARD sh1")).extracting(row -> row.getFirst() + " " + row.get(3))
                            .containsExactly("r1 null", "r2 null");
                    assertThat(held.get(10, TimeUnit.SECONDS)).containsExactly(Integer.toString(BankTransfers.ACCOUNTS));
                }
                assertThat(pauses(r1)).isEmpty();

                RouterServer r3 = cluster.routerFedBy(coordinator, "r3");
                try (Connection client = client(r3.port())) {
                    assertThat(count(client)).as("no pause stands after RESUME")
                            .containsExactly(Integer.toString(BankTransfers.ACCOUNTS));
                }
                assertThat(pauses(r3)).isEmpty();
            }
        }
    }

    /**
     * The standing pause is kept in the QDB: a coordinator started again on the same etcd after
     * the first one closed pauses a router registered with it, and its RESUME ends the pause.
     */
    @Test
    void aStandingPauseOutlivesTheCoordinator() throws Exception {
        try (LocalEtcd etcd = LocalEtcd.start();
             ReplicaCluster cluster = ReplicaCluster.start(0, BankTransfers.tables())) {
            Coordinator first = cluster.coordinator(etcd.endpoint());
            RouterServer r1 = cluster.routerFedBy(first, "r1");
            String since;
            try (Connection console = console(first.consolePort())) {
                assertThat(rows(console, "PAUSE SHARD sh1")).extracting(row -> row.getFirst()).containsExactly("r1");
                List<List<String>> pauses = rows(console, "SHOW pauses");
                assertThat(pauses).extracting(row -> row.subList(0, 2)).containsExactly(List.of("sh1", "PAUSE"));
                since = pauses.getFirst().get(2);
            }
            assertThat(since).as("since").isNotNull();
            first.close();

            Coordinator second = cluster.coordinator(etcd.endpoint());
            try (Connection console = console(second.consolePort())) {
                assertThat(rows(console, "SHOW pauses")).as("the second coordinator's SHOW pauses")
                        .containsExactly(java.util.Arrays.asList("sh1", "PAUSE", since, null));
            }
            RouterServer r2 = cluster.routerFedBy(second, "r2");
            Jdbc.await("r2 holds the pause the first coordinator gave", 20_000,
                    () -> pauses(r2).equals(List.of(List.of("sh1", "PAUSE"))));
            assertThat(pauses(r1)).containsExactly(List.of("sh1", "PAUSE"));
            try (Connection client = client(r2.port())) {
                CompletableFuture<List<String>> held = CompletableFuture.supplyAsync(() -> count(client));
                Thread.sleep(500);
                assertThat(held).as("a transaction through r2 waits").isNotDone();
                try (Connection console = console(second.consolePort())) {
                    assertThat(rows(console, "RESUME")).extracting(row -> row.getFirst() + " " + row.get(3))
                            .containsExactlyInAnyOrder("r1 null", "r2 null");
                    assertThat(rows(console, "SHOW pauses")).isEmpty();
                }
                assertThat(held.get(10, TimeUnit.SECONDS)).containsExactly(Integer.toString(BankTransfers.ACCOUNTS));
            }
            assertThat(pauses(r1)).isEmpty();
            assertThat(pauses(r2)).isEmpty();
        }
    }

    /**
     * With etcd unreachable a PAUSE cannot be kept, so it pauses nothing: it fails with an error
     * within the QDB's timeout, the router's clients go on, and once etcd is back a PAUSE works.
     */
    @Test
    void aPauseThatCannotBeStoredPausesNoRouter() throws Exception {
        try (LocalEtcd etcd = LocalEtcd.start();
             ReplicaCluster cluster = ReplicaCluster.start(0, BankTransfers.tables())) {
            Coordinator coordinator = cluster.coordinator(etcd.endpoint());
            RouterServer r1 = cluster.routerFedBy(coordinator, "r1");
            try (Connection console = console(coordinator.consolePort())) {
                etcd.kill();
                long start = System.nanoTime();
                SQLException refused = org.assertj.core.api.Assertions.catchThrowableOfType(SQLException.class,
                        () -> rows(console, "PAUSE SHARD sh1"));
                assertThat((Throwable) refused).as("PAUSE with etcd down").isNotNull();
                assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).as("seconds to fail").isLessThan(15);
                assertThat(refused.getSQLState()).isEqualTo("58030");
                assertThat(refused.getMessage()).contains("could not store key pauses/sh1");
                assertThat(pauses(r1)).as("r1 was not paused").isEmpty();
                try (Connection client = client(r1.port())) {
                    assertThat(count(client)).containsExactly(Integer.toString(BankTransfers.ACCOUNTS));
                }
                etcd.restart();
            }
            Jdbc.await("a PAUSE once etcd is back", 30_000, () -> {
                try (Connection console = console(coordinator.consolePort())) {
                    return rows(console, "PAUSE SHARD sh1").stream().map(List::getFirst).toList().equals(List.of("r1"));
                } catch (SQLException e) {
                    return false;
                }
            });
            assertThat(pauses(r1)).containsExactly(List.of("sh1", "PAUSE"));
        }
    }

    /** SHOW pauses on the router's console: shard and reason. */
    private static List<List<String>> pauses(RouterServer router) {
        try (Connection console = console(router.consolePort())) {
            return rows(console, "SHOW pauses").stream().map(row -> row.subList(0, 2)).toList();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> count(Connection client) {
        try {
            return Jdbc.column(client, "SELECT count(*) FROM accounts");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
