package dev.shardgate.it.replica;

import static dev.shardgate.it.replica.ReplicaConsoles.DATABASE;
import static dev.shardgate.it.replica.ReplicaConsoles.USER;
import static dev.shardgate.it.replica.ReplicaConsoles.console;
import static dev.shardgate.it.replica.ReplicaConsoles.direct;
import static dev.shardgate.it.replica.ReplicaConsoles.execute;
import static dev.shardgate.it.replica.ReplicaConsoles.rows;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.coordinator.Coordinator;
import dev.shardgate.coordinator.config.ConsoleRule;
import dev.shardgate.coordinator.config.CoordinatorConfig;
import dev.shardgate.coordinator.config.DataMoveConfig;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.it.harness.ReplicatedShards;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.HealthSettings;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import dev.shardgate.wire.auth.PasswordExchange;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Shard sh1 as a primary with streaming standbys, and the routers and coordinator a test class
 * starts in front of it, logged in as the superuser (pg_promote needs one). {@link #close()} closes
 * what was started here in reverse order, then the servers: a test holds the cluster in a
 * try-with-resources, or a test class in a field closed in {@code @AfterAll}, whatever of it started.
 */
final class ReplicaCluster implements AutoCloseable {
    private static final Duration REPLAY = Duration.ofSeconds(60);

    private final ReplicatedShards shards;
    private final Deque<Runnable> closers = new ArrayDeque<>();

    private ReplicaCluster(ReplicatedShards shards) {
        this.shards = shards;
    }

    /**
     * Starts the primary and {@code standbys} standbys, runs {@code schema} on the primary, and
     * returns once every standby has replayed it.
     */
    static ReplicaCluster start(int standbys, String... schema) throws SQLException {
        ReplicaCluster cluster = new ReplicaCluster(ReplicatedShards.start(1, standbys));
        try {
            try (Connection primary = direct(cluster.primary())) {
                for (String sql : schema) {
                    execute(primary, sql);
                }
            }
            for (LocalPostgres standby : cluster.standbys()) {
                standby.waitForReplay(cluster.primary(), REPLAY);
            }
            return cluster;
        } catch (SQLException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The server the shard started with as its primary; after a promotion it may be one no longer. */
    LocalPostgres primary() {
        return shards.primary(0);
    }

    LocalPostgres standby(int index) {
        return shards.standby(0, index);
    }

    List<LocalPostgres> standbys() {
        return shards.standbys(0);
    }

    /** The shard's hosts as "host:port", primary first. */
    List<String> hosts() {
        return shards.hosts(0);
    }

    /** A router with the shard and every host of it in its own config (router.yaml), checking hosts as {@code health} says. */
    RouterServer router(HealthSettings health) throws Exception {
        RouterConfig.Builder config = routerConfig(health)
                .shard("sh1", ShardConfig.data(hosts().toArray(String[]::new)));
        return own(RouterServer.start(config.build()));
    }

    /** {@link #router(HealthSettings)} with the default health checks. */
    RouterServer router() throws Exception {
        return router(HealthSettings.DEFAULTS);
    }

    /**
     * A coordinator with in-memory metadata whose console already knows the shard, every host of it
     * ({@code CREATE SHARD sh1 WITH HOSTS …}); its data moves and promotions log in as the superuser.
     */
    Coordinator coordinator() throws Exception {
        return coordinator("");
    }

    /**
     * {@link #coordinator()} on the QDB at {@code qdbAddr} (etcd endpoints; "" in memory), which
     * may already know the shard: a coordinator started again on the same store.
     */
    Coordinator coordinator(String qdbAddr) throws Exception {
        Coordinator coordinator = own(Coordinator.start(new CoordinatorConfig(LocalPostgres.HOST, 0, 0, qdbAddr, "INFO",
                List.of(new ConsoleRule("shardgate_console", USER, PasswordExchange.Method.TRUST, "")))
                .withDataMove(new DataMoveConfig(DATABASE, USER, "", 500)), "test"));
        // on etcd a coordinator takes changes once it leads (its predecessor's lease may still run)
        Jdbc.await("the coordinator knows shard sh1", 20_000, () -> {
            try (Connection console = console(coordinator.consolePort())) {
                if (rows(console, "SHOW shards").stream().noneMatch(row -> row.getFirst().equals("sh1"))) {
                    execute(console, "CREATE SHARD sh1 WITH HOSTS '" + String.join("', '", hosts()) + "'");
                }
                return true;
            } catch (SQLException e) {
                if (e.getMessage().contains("standing by")) {
                    return false;
                }
                throw new IllegalStateException(e);
            }
        });
        return coordinator;
    }

    /** {@link #routerFedBy(Coordinator, String, HealthSettings)} with the default health checks. */
    RouterServer routerFedBy(Coordinator coordinator, String name) throws Exception {
        return routerFedBy(coordinator, name, HealthSettings.DEFAULTS);
    }

    /**
     * A router that gets its metadata from {@code coordinator}, registered there as {@code name};
     * returns once the router holds the shard.
     */
    RouterServer routerFedBy(Coordinator coordinator, String name, HealthSettings health) throws Exception {
        RouterServer router = own(RouterServer.start(routerConfig(health).withCoordinator(true)
                .coordinatorAddress(LocalPostgres.HOST + ":" + coordinator.grpcApiPort()).build()));
        try (Connection console = console(coordinator.consolePort())) {
            execute(console, "REGISTER ROUTER " + name + " ADDRESS '" + LocalPostgres.HOST + ":" + router.grpcApiPort() + "'");
        }
        Jdbc.await("router " + name + " holds the shard", 10_000, () -> router.context().metadata().shard("sh1").isPresent());
        return router;
    }

    private static RouterConfig.Builder routerConfig(HealthSettings health) {
        return RouterConfig.builder()
                .host(LocalPostgres.HOST).routerPort(0).adminConsolePort(0).grpcApiPort(0).health(health)
                .frontendRule(FrontendRule.of(DATABASE, USER, AuthRule.ok()))
                .frontendRule(FrontendRule.console(USER, AuthRule.ok()))
                .backendRule(new BackendRule(DATABASE, USER, 10, false, true, AuthRule.ok(), false));
    }

    private RouterServer own(RouterServer router) {
        closers.push(router::close);
        return router;
    }

    private Coordinator own(Coordinator coordinator) {
        closers.push(coordinator::close);
        return coordinator;
    }

    /** Closes the routers and coordinators, last started first, then stops the servers. */
    @Override
    public void close() {
        RuntimeException failed = null;
        while (!closers.isEmpty()) {
            try {
                closers.pop().run();
            } catch (RuntimeException e) {
                // the servers must stop whatever a router or coordinator did
                failed = failed == null ? e : failed;
            }
        }
        shards.close();
        if (failed != null) {
            throw failed;
        }
    }
}
