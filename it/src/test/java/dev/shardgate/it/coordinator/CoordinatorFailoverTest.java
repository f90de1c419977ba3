package dev.shardgate.it.coordinator;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.qdb.LocalEtcd;
import dev.shardgate.it.harness.ShardgateProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.shardgate.it.coordinator.SyncedCluster.await;
import static dev.shardgate.it.coordinator.SyncedCluster.column;
import static dev.shardgate.it.coordinator.SyncedCluster.console;
import static dev.shardgate.it.coordinator.SyncedCluster.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Two coordinators and a router as separate processes on a real etcd, killed with SIGKILL: the
 * router keeps routing without a coordinator, comes back with current metadata after its own
 * kill, and the standby coordinator takes over within ten seconds.
 */
@RealPostgres(servers = 2)
class CoordinatorFailoverTest {
    private static final String DATABASE = "coordfail";

    private final List<ShardgateProcess> processes = new ArrayList<>();
    private LocalEtcd etcd;

    @AfterEach
    void stop() {
        processes.forEach(ShardgateProcess::close);
        if (etcd != null) {
            etcd.close();
        }
    }

    private record Ports(int console, int grpc) {
        static Ports free() {
            return new Ports(ShardgateProcess.freePort(), ShardgateProcess.freePort());
        }
    }

    private ShardgateProcess coordinator(Path directory, String name, Ports ports) {
        String yaml = """
                host: 127.0.0.1
                coordinator_port: %d
                grpc_api_port: %d
                qdb_addr: %s
                log_level: info
                frontend_rules:
                  - db: shardgate_console
                    usr: sync
                    auth_rule:
                      auth_method: ok
                """.formatted(ports.console(), ports.grpc(), etcd.endpoint());
        ShardgateProcess process = ShardgateProcess.start("coordinator", directory, name, yaml, ports.console());
        processes.add(process);
        return process;
    }

    private ShardgateProcess router(Path directory, int port, Ports ports, Ports... coordinators) {
        List<String> addresses = new ArrayList<>();
        for (Ports coordinator : coordinators) {
            addresses.add("127.0.0.1:" + coordinator.grpc());
        }
        String yaml = """
                host: 127.0.0.1
                router_port: %d
                admin_console_port: %d
                grpc_api_port: %d
                with_coordinator: true
                coordinator_address: '%s'
                log_level: info
                frontend_rules:
                  - db: %s
                    usr: sync
                    pool_mode: TRANSACTION
                    auth_rule:
                      auth_method: ok
                  - db: shardgate_console
                    usr: sync
                    auth_rule:
                      auth_method: ok
                backend_rules:
                  - db: %s
                    usr: sync
                    auth_rule:
                      auth_method: ok
                """.formatted(port, ports.console(), ports.grpc(), String.join(",", addresses), DATABASE, DATABASE);
        ShardgateProcess process = ShardgateProcess.start("router", directory, "router", yaml, port);
        processes.add(process);
        return process;
    }

    @Test
    void routersOutliveKillsAndTheStandbyTakesOver(PostgresServers servers, @TempDir Path directory) throws Exception {
        SyncedCluster.prepareShards(servers, DATABASE);
        etcd = LocalEtcd.start();
        Ports first = Ports.free();
        Ports second = Ports.free();
        ShardgateProcess active = coordinator(directory, "coordinator-a", first);
        awaitActive(first);
        ShardgateProcess standby = coordinator(directory, "coordinator-b", second);

        try (Connection standbyConsole = console(second.console())) {
            SQLException refused = catchThrowableOfType(SQLException.class,
                    () -> execute(standbyConsole, "CREATE DISTRIBUTION ds0 COLUMN TYPES integer"));
            assertThat(refused.getSQLState()).isEqualTo("25006");
            assertThat(refused.getMessage()).contains("standing by", "127.0.0.1:" + first.console());
        }

        int routerPort = ShardgateProcess.freePort();
        Ports routerPorts = Ports.free();
        ShardgateProcess router = router(directory, routerPort, routerPorts, first, second);
        try (Connection console = console(first.console())) {
            for (String command : SyncedCluster.metadataCommands(servers)) {
                execute(console, command);
            }
            execute(console, "REGISTER ROUTER r1 ADDRESS '[127.0.0.1]:" + routerPorts.grpc() + "'");
        }
        await("the router holds the coordinator's ranges", 10_000, () -> rangesOf(routerPorts).equals("kr1,kr2"));
        assertThat(routes(routerPort, 1500, "first")).isTrue();
        assertThat(onShard(servers, 1)).isEqualTo("1500");

        // kill -9 the router, change metadata meanwhile, start it again: it routes by the new ranges
        // (keys below 0 had no range). New ranges go below the others, as a range inside one of
        // another shard is refused.
        router.kill();
        try (Connection console = console(first.console())) {
            execute(console, "CREATE KEY RANGE kr3 FROM -2000 ROUTE TO sh1 FOR DISTRIBUTION ds1");
        }
        router.start();
        assertThat(routes(routerPort, -1500, "after router restart")).isTrue();
        assertThat(onShard(servers, 0)).isEqualTo("-1500");

        // kill -9 the active coordinator: the router keeps serving, the standby takes over.
        active.kill();
        long killedAt = System.nanoTime();
        assertThat(routes(routerPort, -1400, "coordinator down")).isTrue();
        await("the standby takes over", 10_000, () -> accepts(second, "CREATE KEY RANGE kr4 FROM -3000 ROUTE TO sh2 FOR DISTRIBUTION ds1"));
        long tookMillis = (System.nanoTime() - killedAt) / 1_000_000;
        assertThat(tookMillis).as("takeover time").isLessThan(10_000);
        await("the new active coordinator feeds the router", 5000, () -> rangesOf(routerPorts).contains("kr4"));
        assertThat(routes(routerPort, -2500, "after takeover")).isTrue();
        assertThat(onShard(servers, 1)).isEqualTo("-2500,1500");
        assertThat(onShard(servers, 0)).isEqualTo("-1500,-1400");
        try (Connection console = console(second.console())) {
            assertThat(column(console, "SHOW routers", 3)).startsWith("up");
        }
        assertThat(standby.logTail()).contains("leader_elected");
    }

    private static void awaitActive(Ports coordinator) {
        await("the first coordinator becomes active", 15_000,
                () -> accepts(coordinator, "CREATE DISTRIBUTION ds0 COLUMN TYPES integer"));
        try (Connection console = console(coordinator.console())) {
            execute(console, "DROP DISTRIBUTION ds0");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the coordinator's console took the command (false: refused or unreachable). */
    private static boolean accepts(Ports coordinator, String command) {
        try (Connection console = console(coordinator.console())) {
            execute(console, command);
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Inserts the key through the router; false when the router refused or is not there. */
    private static boolean routes(int routerPort, long id, String note) {
        try (Connection client = SyncedCluster.connect(routerPort, DATABASE)) {
            execute(client, "INSERT INTO orders (id, note) VALUES (" + id + ", '" + note + "')");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static String rangesOf(Ports router) {
        try (Connection console = console(router.console())) {
            return column(console, "SHOW key_ranges");
        } catch (SQLException e) {
            return "";
        }
    }

    private static String onShard(PostgresServers servers, int index) throws SQLException {
        try (Connection connection = SyncedCluster.direct(servers.get(index), DATABASE)) {
            return column(connection, "SELECT id FROM orders ORDER BY id");
        }
    }
}
