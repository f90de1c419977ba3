package dev.shardgate.it.coordinator;

import dev.shardgate.coordinator.Coordinator;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.it.scatter.WireClient;
import dev.shardgate.qdb.LocalEtcd;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.wire.Bind;
import dev.shardgate.wire.Execute;
import dev.shardgate.wire.Flush;
import dev.shardgate.wire.Parse;
import dev.shardgate.wire.Sync;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.shardgate.it.coordinator.SyncedCluster.await;
import static dev.shardgate.it.coordinator.SyncedCluster.column;
import static dev.shardgate.it.coordinator.SyncedCluster.console;
import static dev.shardgate.it.coordinator.SyncedCluster.execute;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A router acknowledges a metadata version to the coordinator only once no statement it routed with
 * an older version can still reach a shard (router/session/RoutingFence): a move waits for that
 * acknowledgement after locking a key range, and a statement routed just before the lock but not
 * yet begun on the source would otherwise change or miss rows the move has copied. Here a client's
 * UPDATE is routed and left open in an extended-protocol pipeline (Flush, no Sync): the router holds
 * the lock's version but the coordinator does not hear so until the client's Sync ends the work.
 */
@RealPostgres(servers = 2)
class RoutingFenceTest {
    private static final String DATABASE = "fence";

    private LocalEtcd etcd;
    private Coordinator coordinator;
    private RouterServer router;

    @BeforeEach
    void start(PostgresServers servers) throws Exception {
        SyncedCluster.prepareShards(servers, DATABASE);
        etcd = LocalEtcd.start();
        coordinator = SyncedCluster.startCoordinator(etcd, DATABASE);
        router = RouterServer.start(RouterConfig.builder()
                .host(SyncedCluster.HOST).routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .withCoordinator(true).coordinatorAddress(SyncedCluster.HOST + ":" + coordinator.grpcApiPort())
                .frontendRule(FrontendRule.of(DATABASE, SyncedCluster.USER, AuthRule.ok()))
                .frontendRule(FrontendRule.console(SyncedCluster.USER, AuthRule.ok()))
                .backendRule(new BackendRule(DATABASE, SyncedCluster.USER, 10, false, true, AuthRule.ok(), false))
                .build());
    }

    @AfterEach
    void stop() {
        if (router != null) {
            router.close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void theLocksVersionIsAcknowledgedOnlyAfterAStatementRoutedBeforeItHasEnded(PostgresServers servers) throws Exception {
        try (Connection console = console(coordinator.consolePort())) {
            long synced = shardOrders(console, servers);
            try (Connection client = SyncedCluster.connect(router.port(), DATABASE)) {
                execute(client, "INSERT INTO orders (id, note) VALUES (5, 'before')");
            }

            try (WireClient client = WireClient.connect(SyncedCluster.HOST, router.port(), SyncedCluster.USER, DATABASE)) {
                // routed to sh1 with the current metadata and run there; the pipeline stays open
                client.send(new Parse("", "UPDATE orders SET note = 'routed before the lock' WHERE id = 5"),
                        new Bind("", "", new short[0], new byte[0][], new short[0]), new Execute("", 0), new Flush());
                assertThat(client.until("CommandComplete")).contains("CommandComplete UPDATE 1");

                execute(console, "LOCK KEY RANGE kr1");
                long locked = coordinator.qdb().version();
                await("the router holds the lock's version", 10_000, () -> router.context().qdb().version() == locked);
                for (int i = 0; i < 5; i++) {
                    assertThat(status(console)).as("the coordinator still hears the version before the lock")
                            .isEqualTo("up, version " + synced);
                    Thread.sleep(100);
                }

                assertThat(client.exchange(new Sync())).containsExactly("ReadyForQuery I");
                await("the router acknowledges the lock once the UPDATE has ended", 3_000, () -> acknowledged(console, locked));
            }
            execute(console, "UNLOCK KEY RANGE kr1");
        }
        try (Connection sh1 = SyncedCluster.direct(servers.get(0), DATABASE)) {
            assertThat(column(sh1, "SELECT note FROM orders WHERE id = 5")).isEqualTo("routed before the lock");
        }
    }

    @Test
    void aSessionWaitingOnItsClientInATransactionDoesNotHoldTheAcknowledgementBack(PostgresServers servers) throws Exception {
        try (Connection console = console(coordinator.consolePort())) {
            shardOrders(console, servers);
            try (Connection client = SyncedCluster.connect(router.port(), DATABASE)) {
                client.setAutoCommit(false);
                execute(client, "INSERT INTO orders (id, note) VALUES (1500, 'open transaction')");
                // its transaction is open on sh2, where the coordinator's wait for older transactions sees it
                execute(console, "LOCK KEY RANGE kr2");
                long locked = coordinator.qdb().version();
                await("the router acknowledges the lock", 3_000, () -> acknowledged(console, locked));
                client.rollback();
            }
            execute(console, "UNLOCK KEY RANGE kr2");
        }
    }

    /** Shards orders over the servers, registers the router and waits until it acknowledges: the version it holds. */
    private long shardOrders(Connection console, PostgresServers servers) throws SQLException {
        for (String command : SyncedCluster.metadataCommands(servers)) {
            execute(console, command);
        }
        execute(console, "REGISTER ROUTER r1 ADDRESS '127.0.0.1:" + router.grpcApiPort() + "'");
        long synced = coordinator.qdb().version();
        await("the router acknowledges the metadata", 10_000, () -> acknowledged(console, synced));
        return synced;
    }

    private static String status(Connection console) throws SQLException {
        return column(console, "SHOW routers", 3);
    }

    private static boolean acknowledged(Connection console, long version) {
        try {
            return status(console).equals("up, version " + version);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
