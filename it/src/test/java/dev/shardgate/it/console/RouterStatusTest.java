package dev.shardgate.it.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/** SHOW clients, pools and backend_connections follow a real client of the router through a transaction. */
@RealPostgres(servers = 1)
class RouterStatusTest {
    private static final String APP = "console_status";

    private LocalPostgres shard;
    private RouterServer router;
    private Connection console;

    @BeforeEach
    void start(PostgresServers servers) throws Exception {
        shard = servers.get(0);
        shard.createUser(APP, null);
        shard.createDatabase(APP, APP);
        router = RouterServer.start(RouterConfig.builder()
                .host("127.0.0.1").routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .frontendRule(FrontendRule.console("admin", AuthRule.ok()))
                .frontendRule(FrontendRule.of(APP, APP, AuthRule.ok()))
                .backendRule(BackendRule.of(APP, APP, AuthRule.ok()))
                .shard("sh1", ShardConfig.data(shard.host() + ":" + shard.port()))
                .build());
        console = AdminConsole.of(router, "admin", null).connect();
    }

    @AfterEach
    void stop() throws SQLException {
        console.close();
        router.close();
    }

    @Test
    void aClientIsListedWithItsUserAndDatabaseAndItsBackendWhileInATransaction() throws Exception {
        try (Connection client = client()) {
            String clientId = Integer.toString(client.unwrap(PGConnection.class).getBackendPID());
            List<String> idleClient = clientRow(clientId);
            assertThat(idleClient.subList(0, 3)).containsExactly(clientId, APP, APP);
            assertThat(idleClient.get(4)).as("server_id between transactions").isNull();

            client.setAutoCommit(false);
            String backendPid = AdminConsole.rows(client, "SELECT pg_backend_pid()").get(1).get(0);

            assertThat(AdminConsole.rows(console, "SHOW pools")).containsExactly(
                    List.of("shard_id", "dbname", "user", "active", "idle", "waiting", "limit", "host"),
                    List.of("sh1", APP, APP, "1", "0", "0", Integer.toString(BackendRule.DEFAULT_CONNECTION_LIMIT),
                            shard.host() + ":" + shard.port()));
            List<List<String>> backends = AdminConsole.rows(console, "SHOW backend_connections");
            assertThat(backends.getFirst()).containsExactly(
                    "backend_connection_id", "shard_id", "hostname", "pid", "user", "dbname", "tx_status", "tx_served");
            assertThat(backends).hasSize(2);
            assertThat(backends.get(1).subList(1, 6))
                    .containsExactly("sh1", shard.host() + ":" + shard.port(), backendPid, APP, APP);
            assertThat(clientRow(clientId).get(4)).as("server_id in a transaction").contains(backendPid);

            client.commit();
            // the relay gives the backend back right after forwarding ReadyForQuery: allow it a moment
            eventually(() -> AdminConsole.rows(console, "SHOW pools").get(1).get(4).equals("1"));
            assertThat(AdminConsole.rows(console, "SHOW pools").get(1))
                    .containsExactly("sh1", APP, APP, "0", "1", "0", Integer.toString(BackendRule.DEFAULT_CONNECTION_LIMIT),
                            shard.host() + ":" + shard.port());
            assertThat(clientRow(clientId).get(4)).as("server_id after commit in transaction pooling").isNull();
            List<String> backendAfter = AdminConsole.rows(console, "SHOW backend_connections").get(1);
            assertThat(backendAfter.get(3)).isEqualTo(backendPid);
            assertThat(backendAfter.get(6)).isEqualTo("idle");
            assertThat(Long.parseLong(backendAfter.get(7))).isPositive();
        }
        assertThat(eventually(() -> AdminConsole.rows(console, "SHOW clients").size() == 1))
                .as("a closed client leaves SHOW clients").isTrue();
    }

    @Test
    void showClientsSaysHostAndPortOfTheClientSocket() throws Exception {
        try (Connection client = client()) {
            String clientId = Integer.toString(client.unwrap(PGConnection.class).getBackendPID());
            assertThat(clientRow(clientId).get(3)).matches("127\\.0\\.0\\.1:\\d+");
        }
    }

    @Test
    void showBackendConnectionsSaysTheTransactionStatusOfTheBackend() throws Exception {
        try (Connection client = client()) {
            client.setAutoCommit(false);
            AdminConsole.rows(client, "SELECT 1");
            assertThat(AdminConsole.rows(console, "SHOW backend_connections").get(1).get(6)).isEqualTo("in transaction");
            client.rollback();
        }
    }

    @Test
    void showClientsServerIdIsTheIdOfARowOfShowBackendConnections() throws Exception {
        try (Connection client = client()) {
            String clientId = Integer.toString(client.unwrap(PGConnection.class).getBackendPID());
            client.setAutoCommit(false);
            AdminConsole.rows(client, "SELECT 1");
            String serverId = clientRow(clientId).get(4);
            assertThat(AdminConsole.rows(console, "SHOW backend_connections"))
                    .extracting(row -> row.get(0)).contains(serverId);
            client.rollback();
        }
    }

    private Connection client() throws SQLException {
        return DriverManager.getConnection(AdminConsole.jdbcUrl("127.0.0.1", router.port(), APP),
                AdminConsole.properties(APP, null, "extended"));
    }

    private List<String> clientRow(String clientId) throws SQLException {
        List<List<String>> clients = AdminConsole.rows(console, "SHOW clients");
        assertThat(clients.getFirst()).containsExactly("client_id", "user", "dbname", "client_address", "server_id");
        return clients.stream().filter(row -> row.getFirst().equals(clientId)).findFirst()
                .orElseThrow(() -> new AssertionError("client " + clientId + " not in " + clients));
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static boolean eventually(Check check) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
