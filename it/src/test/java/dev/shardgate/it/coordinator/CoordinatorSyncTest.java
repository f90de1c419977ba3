package dev.shardgate.it.coordinator;

import dev.shardgate.coordinator.Coordinator;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.meta.Metadata;
import dev.shardgate.qdb.LocalEtcd;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.it.harness.ShardgateProcess;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.shardgate.it.coordinator.SyncedCluster.await;
import static dev.shardgate.it.coordinator.SyncedCluster.column;
import static dev.shardgate.it.coordinator.SyncedCluster.console;
import static dev.shardgate.it.coordinator.SyncedCluster.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A coordinator on a real etcd feeding two routers in front of two real shards: what is created on
 * the coordinator's console routes on both routers, in the coordinator's versions, and routers that
 * restart or were unregistered catch up.
 */
@RealPostgres(servers = 2)
class CoordinatorSyncTest {
    private static final String DATABASE = "coordsync";

    private LocalEtcd etcd;
    private Coordinator coordinator;
    private final List<RouterServer> routers = new ArrayList<>();

    @BeforeEach
    void start(PostgresServers servers) throws Exception {
        SyncedCluster.prepareShards(servers, DATABASE);
        etcd = LocalEtcd.start();
        coordinator = SyncedCluster.startCoordinator(etcd, DATABASE);
    }

    @AfterEach
    void stop() {
        routers.forEach(RouterServer::close);
        if (coordinator != null) {
            coordinator.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    private RouterServer startRouter(int grpcApiPort) throws Exception {
        return startRouter(grpcApiPort, 100);
    }

    private RouterServer startRouter(int grpcApiPort, int sequenceBlockSize) throws Exception {
        RouterServer router = RouterServer.start(RouterConfig.builder()
                .host(SyncedCluster.HOST).routerPort(0).adminConsolePort(0).grpcApiPort(grpcApiPort)
                .sequenceBlockSize(sequenceBlockSize)
                .withCoordinator(true).coordinatorAddress(SyncedCluster.HOST + ":" + coordinator.grpcApiPort())
                .frontendRule(FrontendRule.of(DATABASE, SyncedCluster.USER, AuthRule.ok()))
                .frontendRule(FrontendRule.console(SyncedCluster.USER, AuthRule.ok()))
                .backendRule(new BackendRule(DATABASE, SyncedCluster.USER, 10, false, true, AuthRule.ok(), false))
                .build());
        routers.add(router);
        return router;
    }

    private boolean holdsCoordinatorMetadata(RouterServer router) {
        return router.context().metadata().equals(coordinator.qdb().snapshot())
                && router.context().qdb().version() == coordinator.qdb().version();
    }

    private static void shardOrders(Connection console, PostgresServers servers) throws SQLException {
        for (String command : SyncedCluster.metadataCommands(servers)) {
            execute(console, command);
        }
    }

    @Test
    void changesOnTheCoordinatorRouteOnEveryRouter(PostgresServers servers) throws Exception {
        RouterServer r1 = startRouter(0);
        RouterServer r2 = startRouter(0);
        try (Connection console = console(coordinator.consolePort())) {
            shardOrders(console, servers);
            execute(console, "REGISTER ROUTER r1 ADDRESS '[127.0.0.1]:" + r1.grpcApiPort() + "'");
            execute(console, "REGISTER ROUTER r2 ADDRESS '127.0.0.1:" + r2.grpcApiPort() + "'");
            await("both routers hold the coordinator's metadata", 10_000,
                    () -> holdsCoordinatorMetadata(r1) && holdsCoordinatorMetadata(r2));
            assertThat(column(console, "SHOW routers")).isEqualTo("r1,r2");

            // Writes through either router land on the shard of the key's range.
            try (Connection c1 = SyncedCluster.connect(r1.port(), DATABASE);
                    Connection c2 = SyncedCluster.connect(r2.port(), DATABASE)) {
                execute(c1, "INSERT INTO orders (id, note) VALUES (1500, 'via r1')");
                execute(c2, "INSERT INTO orders (id, note) VALUES (500, 'via r2')");
            }
            assertThat(onShard(servers, 0)).isEqualTo("500");
            assertThat(onShard(servers, 1)).isEqualTo("1500");

            // A new range reaches both routers within a second.
            execute(console, "CREATE KEY RANGE kr3 FROM 2000 ROUTE TO sh2 FOR DISTRIBUTION ds1");
            long took = await("kr3 on both routers", 1000, () -> r1.context().metadata().keyRanges().containsKey("kr3")
                    && r2.context().metadata().keyRanges().containsKey("kr3"));
            assertThat(took).isLessThan(1000);

            // A split and a move of a range's metadata show up on both.
            execute(console, "SPLIT KEY RANGE kr4 FROM kr2 BY 1500");
            execute(console, "MOVE KEY RANGE kr4 TO sh1");
            await("split and move on both routers", 1000, () -> holdsCoordinatorMetadata(r1) && holdsCoordinatorMetadata(r2));
            assertThat(r2.context().metadata().keyRanges().get("kr4").shardId()).isEqualTo("sh1");
            try (Connection c2 = SyncedCluster.connect(r2.port(), DATABASE)) {
                execute(c2, "INSERT INTO orders (id, note) VALUES (1600, 'moved range')");
                execute(c2, "INSERT INTO orders (id, note) VALUES (2600, 'new range')");
            }
            // On the coordinator MOVE moves the rows too: 1500 went along with kr4.
            assertThat(onShard(servers, 0)).isEqualTo("500,1500,1600");
            assertThat(onShard(servers, 1)).isEqualTo("2600");

            long version = coordinator.qdb().version();
            await("SHOW routers says both are up", 3000, () -> {
                try {
                    return column(console, "SHOW routers", 3).equals("up, version " + version + ",up, version " + version);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    @Test
    void autoIncrementIdsFromTwoRoutersNeverCollide(PostgresServers servers) throws Exception {
        RouterServer r1 = startRouter(0, 7);
        RouterServer r2 = startRouter(0, 7);
        try (Connection console = console(coordinator.consolePort())) {
            for (String command : SyncedCluster.metadataCommands(servers)) {
                execute(console, command.endsWith("DISTRIBUTION KEY id") ? command + " AUTO INCREMENT id START 990" : command);
            }
            execute(console, "REGISTER ROUTER r1 ADDRESS '127.0.0.1:" + r1.grpcApiPort() + "'");
            execute(console, "REGISTER ROUTER r2 ADDRESS '127.0.0.1:" + r2.grpcApiPort() + "'");
            await("both synced", 10_000, () -> holdsCoordinatorMetadata(r1) && holdsCoordinatorMetadata(r2));
        }
        // Blocks of 7 from one sequence in etcd, taken by both routers in turn through the coordinator.
        int perClient = 40;
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> ids = new ArrayList<>();
            for (RouterServer router : List.of(r1, r2, r1, r2)) {
                ids.add(clients.submit(() -> {
                    List<String> mine = new ArrayList<>();
                    try (Connection client = SyncedCluster.connect(router.port(), DATABASE)) {
                        for (int i = 0; i < perClient; i++) {
                            mine.add(column(client, "INSERT INTO orders (note) VALUES ('" + router.port() + "') RETURNING id"));
                        }
                    }
                    return mine;
                }));
            }
            List<String> all = new ArrayList<>();
            for (Future<List<String>> future : ids) {
                all.addAll(future.get());
            }
            assertThat(all).hasSize(4 * perClient).doesNotHaveDuplicates();
            assertThat(all.stream().mapToLong(Long::parseLong).min().orElseThrow()).isGreaterThanOrEqualTo(990);
        } finally {
            clients.shutdownNow();
        }
        try (Connection sh1 = SyncedCluster.direct(servers.get(0), DATABASE);
                Connection sh2 = SyncedCluster.direct(servers.get(1), DATABASE)) {
            assertThat(column(sh1, "SELECT count(*) FILTER (WHERE id < 1000) || '/' || count(*) FROM orders"))
                    .as("ids 990..999 on sh1, nothing else").isEqualTo("10/10");
            assertThat(column(sh2, "SELECT count(*) FILTER (WHERE id >= 1000) || '/' || count(*) FROM orders"))
                    .as("ids from 1000 on sh2").isEqualTo((4 * perClient - 10) + "/" + (4 * perClient - 10));
        }
        try (Connection console = console(coordinator.consolePort())) {
            assertThat(column(console, "SHOW sequences")).isEqualTo("orders_id");
        }
    }

    @Test
    void hostsAddedAndDroppedOnTheCoordinatorReachEveryRouter(PostgresServers servers) throws Exception {
        RouterServer r1 = startRouter(0);
        RouterServer r2 = startRouter(0);
        String sh1 = servers.get(0).host() + ":" + servers.get(0).port();
        try (Connection console = console(coordinator.consolePort())) {
            shardOrders(console, servers);
            execute(console, "REGISTER ROUTER r1 ADDRESS '127.0.0.1:" + r1.grpcApiPort() + "'");
            execute(console, "REGISTER ROUTER r2 ADDRESS '127.0.0.1:" + r2.grpcApiPort() + "'");
            await("both synced", 10_000, () -> holdsCoordinatorMetadata(r1) && holdsCoordinatorMetadata(r2));

            execute(console, "ALTER SHARD sh1 ADD HOST 'standby-a.invalid:5432', 'standby-b.invalid:5433'");
            await("the new hosts on both routers", 2000, () -> holdsCoordinatorMetadata(r1) && holdsCoordinatorMetadata(r2));
            for (RouterServer router : List.of(r1, r2)) {
                try (Connection routerConsole = console(router.consolePort())) {
                    assertThat(column(routerConsole, "SHOW shards WHERE shard_id = 'sh1'", 2))
                            .isEqualTo(sh1 + ", standby-a.invalid:5432, standby-b.invalid:5433");
                }
            }

            execute(console, "ALTER SHARD sh1 DROP HOST 'standby-a.invalid:5432'");
            await("the drop on both routers", 2000, () -> holdsCoordinatorMetadata(r1) && holdsCoordinatorMetadata(r2));
            assertThat(r2.context().metadata().shard("sh1").orElseThrow().hosts())
                    .containsExactly(sh1, "standby-b.invalid:5433");
            var last = catchThrowableOfType(SQLException.class, () -> execute(console,
                    "ALTER SHARD sh1 DROP HOST '" + sh1 + "', 'standby-b.invalid:5433'"));
            assertThat(last.getSQLState()).isEqualTo("55000");
            assertThat(last.getMessage()).contains("cannot drop the last host of shard \"sh1\"");
            // The shard still routes to its primary.
            try (Connection c1 = SyncedCluster.connect(r1.port(), DATABASE)) {
                execute(c1, "INSERT INTO orders (id, note) VALUES (7, 'after host changes')");
            }
            assertThat(onShard(servers, 0)).isEqualTo("7");
        }
        try (Connection routerConsole = console(r1.consolePort())) {
            var refused = catchThrowableOfType(SQLException.class,
                    () -> execute(routerConsole, "ALTER SHARD sh1 ADD HOST 'elsewhere.invalid:5432'"));
            assertThat(refused.getSQLState()).isEqualTo("25006");
            assertThat(refused.getMessage()).contains("coordinator");
        }
    }

    @Test
    void aRoutersOwnConsoleRefusesMetadataCommandsNamingTheCoordinator(PostgresServers servers) throws Exception {
        RouterServer router = startRouter(0);
        // No shard known yet: clients hear so at login, as from a PostgreSQL that is starting up.
        SQLException empty = catchThrowableOfType(SQLException.class, () -> SyncedCluster.connect(router.port(), DATABASE));
        assertThat(empty.getSQLState()).isEqualTo("57P03");
        assertThat(empty.getMessage()).contains("waiting for metadata from the coordinator");
        try (Connection console = console(coordinator.consolePort())) {
            shardOrders(console, servers);
        }
        try (Connection routerConsole = console(router.consolePort())) {
            var refused = catchThrowableOfType(SQLException.class,
                    () -> execute(routerConsole, "CREATE KEY RANGE kr9 FROM 9000 ROUTE TO sh1 FOR DISTRIBUTION ds1"));
            assertThat(refused.getSQLState()).isEqualTo("25006");
            assertThat(refused.getMessage()).contains("coordinator");
            // The session survives and reads still work.
            assertThat(column(routerConsole, "SHOW shards")).isNotNull();
        }
        assertThat(coordinator.qdb().snapshot().keyRanges()).doesNotContainKey("kr9");
    }

    @Test
    void unregisteredRoutersStopGettingChangesAndCatchUpWhenRegisteredAgain(PostgresServers servers) throws Exception {
        RouterServer r1 = startRouter(0);
        RouterServer r2 = startRouter(0);
        try (Connection console = console(coordinator.consolePort())) {
            shardOrders(console, servers);
            execute(console, "REGISTER ROUTER r1 ADDRESS '127.0.0.1:" + r1.grpcApiPort() + "'");
            execute(console, "REGISTER ROUTER r2 ADDRESS '127.0.0.1:" + r2.grpcApiPort() + "'");
            await("both synced", 10_000, () -> holdsCoordinatorMetadata(r1) && holdsCoordinatorMetadata(r2));

            execute(console, "UNREGISTER ROUTER r2");
            execute(console, "CREATE KEY RANGE kr3 FROM 2000 ROUTE TO sh2 FOR DISTRIBUTION ds1");
            await("r1 gets kr3", 1000, () -> r1.context().metadata().keyRanges().containsKey("kr3"));
            ShardgateProcess.sleep(1500);
            assertThat(r2.context().metadata().keyRanges()).as("unregistered router").doesNotContainKey("kr3");
            assertThat(column(console, "SHOW routers")).isEqualTo("r1");

            execute(console, "REGISTER ROUTER r2 ADDRESS '127.0.0.1:" + r2.grpcApiPort() + "'");
            await("r2 catches up", 5000, () -> holdsCoordinatorMetadata(r2));

            // UNREGISTER ROUTER ALL leaves both where they are.
            execute(console, "UNREGISTER ROUTER ALL");
            execute(console, "DROP KEY RANGE kr3");
            ShardgateProcess.sleep(1500);
            assertThat(r1.context().metadata().keyRanges()).containsKey("kr3");
            assertThat(column(console, "SHOW routers")).isEmpty();
        }
    }

    @Test
    void aRestartedRouterComesBackWithCurrentMetadata(PostgresServers servers) throws Exception {
        RouterServer r1 = startRouter(0);
        int grpcPort = r1.grpcApiPort();
        try (Connection console = console(coordinator.consolePort())) {
            shardOrders(console, servers);
            execute(console, "REGISTER ROUTER r1 ADDRESS '127.0.0.1:" + grpcPort + "'");
            await("synced", 10_000, () -> holdsCoordinatorMetadata(r1));
            r1.close();
            routers.remove(r1);

            // Changed while the router is down: keys below 0 had no range.
            execute(console, "CREATE KEY RANGE kr3 FROM -1000 ROUTE TO sh1 FOR DISTRIBUTION ds1");
            RouterServer again = startRouter(grpcPort);
            // Fetched from coordinator_address before the router took its first client.
            assertThat(holdsCoordinatorMetadata(again)).isTrue();
            try (Connection client = SyncedCluster.connect(again.port(), DATABASE)) {
                execute(client, "INSERT INTO orders (id, note) VALUES (-900, 'after restart')");
            }
            assertThat(onShard(servers, 0)).isEqualTo("-900");
            execute(console, "DROP KEY RANGE kr3");
            await("pushed to the restarted router", 1000, () -> holdsCoordinatorMetadata(again));
        }
    }

    @Test
    void withEtcdDownRoutersKeepRoutingAndChangesFailWhole(PostgresServers servers) throws Exception {
        RouterServer router = startRouter(0);
        try (Connection console = console(coordinator.consolePort())) {
            shardOrders(console, servers);
            execute(console, "REGISTER ROUTER r1 ADDRESS '127.0.0.1:" + router.grpcApiPort() + "'");
            await("synced", 10_000, () -> holdsCoordinatorMetadata(router));
            Metadata before = router.context().metadata();

            etcd.kill();
            try (Connection client = SyncedCluster.connect(router.port(), DATABASE)) {
                execute(client, "INSERT INTO orders (id, note) VALUES (1700, 'etcd down')");
            }
            assertThat(onShard(servers, 1)).isEqualTo("1700");
            SQLException failed = catchThrowableOfType(SQLException.class, () -> execute(console,
                    "CREATE KEY RANGE kr4 FROM 3000 ROUTE TO sh2 FOR DISTRIBUTION ds1; "
                            + "CREATE KEY RANGE kr3 FROM 2000 ROUTE TO sh2 FOR DISTRIBUTION ds1"));
            // etcd does not answer (58030), or the coordinator already stepped down for want of its lease (25006).
            assertThat(failed.getSQLState()).isIn("58030", "25006");
            assertThat(router.context().metadata()).isEqualTo(before);

            etcd.restart();
            await("active again once etcd is back", 20_000, coordinator::isActive);
            assertThat(coordinator.qdb().snapshot().keyRanges()).as("nothing half-applied")
                    .doesNotContainKeys("kr3", "kr4");
        }
        // A lease renewal sent while etcd was down may still fail after the restart, and the
        // coordinator then stands by for a moment before it leads again: retry what it refuses so.
        await("a change goes through once etcd is back", 20_000, () -> {
            try (Connection console = console(coordinator.consolePort())) {
                execute(console, "CREATE KEY RANGE kr3 FROM 2000 ROUTE TO sh2 FOR DISTRIBUTION ds1");
                return true;
            } catch (SQLException e) {
                if (e.getSQLState().equals("25006") || e.getSQLState().equals("58030")) {
                    return false;
                }
                throw new IllegalStateException(e);
            }
        });
        await("changes flow again", 5000, () -> router.context().metadata().keyRanges().containsKey("kr3"));
    }

    @Test
    void concurrentCommandsFromTwoConsolesEqualSomeSerialOrder(PostgresServers servers) throws Exception {
        RouterServer router = startRouter(0);
        try (Connection console = console(coordinator.consolePort())) {
            shardOrders(console, servers);
            execute(console, "REGISTER ROUTER r1 ADDRESS '127.0.0.1:" + router.grpcApiPort() + "'");
        }
        long before = coordinator.qdb().version();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (String side : List.of("a", "b")) {
                Callable<Integer> session = () -> {
                    int done = 0;
                    try (Connection console = console(coordinator.consolePort())) {
                        for (int i = 0; i < 20; i++) {
                            // Every range inside kr2 routes to kr2's shard: one inside a range of
                            // another shard would be refused, whichever session's range that is.
                            long bound = 10_000 + i * 10 + (side.equals("a") ? 0 : 5);
                            execute(console, "CREATE KEY RANGE kr_" + side + i + " FROM " + bound
                                    + " ROUTE TO sh2 FOR DISTRIBUTION ds1");
                            done++;
                            // Both sessions race for the same id and the same bound: one wins.
                            try {
                                execute(console, "CREATE KEY RANGE kr_same" + i + " FROM " + (50_000 + i)
                                        + " ROUTE TO sh2 FOR DISTRIBUTION ds1");
                                done++;
                            } catch (SQLException e) {
                                assertThat(e.getSQLState()).isEqualTo("42710");
                            }
                        }
                    }
                    return done;
                };
                results.add(pool.submit(session));
            }
            int succeeded = results.get(0).get() + results.get(1).get();
            Metadata after = coordinator.qdb().snapshot();
            assertThat(succeeded).isEqualTo(60);
            assertThat(coordinator.qdb().version() - before).as("one version per successful command").isEqualTo(60);
            assertThat(after.keyRanges()).hasSize(2 + 60);
            await("the router converges", 5000, () -> holdsCoordinatorMetadata(router));
        } finally {
            pool.shutdownNow();
        }
    }

    private static String onShard(PostgresServers servers, int index) throws SQLException {
        try (Connection connection = SyncedCluster.direct(servers.get(index), DATABASE)) {
            return column(connection, "SELECT id FROM orders ORDER BY id");
        }
    }
}
