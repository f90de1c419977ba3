package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.HealthSettings;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A shard of several hosts: the router learns each host's role from its server, reports them in
 * SHOW hosts, and sends writes only to a single primary. Two independent servers in one shard are
 * two primaries: the router refuses writes rather than guess.
 */
@RealPostgres(servers = 2)
@Timeout(120)
class HostsTest {
    static final HealthSettings FAST = HealthSettings.DEFAULTS.withInterval(Duration.ofMillis(200))
            .withTimeout(Duration.ofSeconds(1)).withCounts(3, 2);

    private static String hostOf(LocalPostgres server) {
        return server.host() + ":" + server.port();
    }

    private static RouterConfig.Builder shardOf(Account account, String... hosts) {
        RouterConfig.Builder config = RouterConfig.builder().host(RunningRouter.HOST).routerPort(0).adminConsolePort(0)
                .grpcApiPort(0).shard(RunningRouter.SHARD, ShardConfig.data(hosts)).health(FAST);
        return RunningRouter.trusting(config, account, 5)
                .frontendRule(FrontendRule.console(account.user(), AuthRule.ok()));
    }

    @Test
    void aHostUnreachableAtStartIsReportedAndTheOthersServe(PostgresServers servers) throws Exception {
        LocalPostgres server = servers.get(0);
        Account account = Account.create(server, "rt_hosts_unreachable");
        String nobody = "127.0.0.1:" + freePort();
        try (RunningRouter router = RunningRouter.start(shardOf(account, nobody, hostOf(server)))) {
            try (Connection client = router.connect(account)) {
                assertThat(Sql.single(client, "SELECT inet_server_port()")).isEqualTo(Integer.toString(server.port()));
                Sql.execute(client, "CREATE TABLE IF NOT EXISTS written (v text)");
                Sql.execute(client, "INSERT INTO written VALUES ('through the router')");
            }
            Map<String, String> dead = HostsConsole.await(router, account.user(), nobody, r -> r.get("state").equals("down"), 10);
            assertThat(dead).containsEntry("shard", RunningRouter.SHARD).containsEntry("role", "unknown")
                    .containsEntry("connections", "0");
            assertThat(dead.get("last_error")).isNotBlank();
            assertThat(dead.get("last_check")).isNotBlank();
            Map<String, String> live = HostsConsole.await(router, account.user(), hostOf(server),
                    r -> r.get("role").equals("primary"), 10);
            assertThat(live).containsEntry("state", "up").containsEntry("lag_bytes", "0").containsEntry("last_error", null);
            assertThat(Integer.parseInt(live.get("connections"))).as("the pool's idle connection").isPositive();
            try (Connection client = router.connect(account)) {
                assertThat(Sql.single(client, "SELECT count(*) FROM written")).isNotEqualTo("0");
            }
        }
    }

    @Test
    void twoPrimariesInOneShardTakeNoWritesAndTheErrorNamesBoth(PostgresServers servers) throws Exception {
        LocalPostgres a = servers.get(0);
        LocalPostgres b = servers.get(1);
        Account account = Account.create(a, "rt_hosts_two_primaries");
        b.createUser(account.user(), account.password());
        b.createDatabase(account.database(), account.user());
        try (RunningRouter router = RunningRouter.start(shardOf(account, hostOf(a), hostOf(b)))) {
            HostsConsole.await(router, account.user(), hostOf(a), r -> "primary".equals(r.get("role")), 10);
            Map<String, String> row = HostsConsole.await(router, account.user(), hostOf(b),
                    r -> "primary".equals(r.get("role")) && r.get("last_error") != null, 10);
            assertThat(row.get("last_error")).contains(hostOf(a)).contains(hostOf(b)).contains("claim to be primary");
            try (Connection client = router.connect(account)) {
                SQLException refused = Sql.assertFailsWith("08006", () -> Sql.single(client, "SELECT 1"));
                assertThat(refused.getMessage()).contains("shard \"sh1\"").contains(hostOf(a)).contains(hostOf(b))
                        .contains("both claim to be primary");
            }
            // one of them gone: the other is the shard's only primary again and takes writes
            a.stop();
            try {
                HostsConsole.await(router, account.user(), hostOf(a), r -> r.get("state").equals("down"), 10);
                try (Connection client = router.connect(account)) {
                    assertThat(Sql.single(client, "SELECT inet_server_port()")).isEqualTo(Integer.toString(b.port()));
                }
            } finally {
                a.restart();
            }
        }
    }

    @Test
    void hostsAddedAndDroppedOnTheConsoleReachThePoolsWithoutARestart(PostgresServers servers) throws Exception {
        LocalPostgres a = servers.get(0);
        LocalPostgres b = servers.get(1);
        Account account = Account.create(a, "rt_hosts_alter");
        b.createUser(account.user(), account.password());
        b.createDatabase(account.database(), account.user());
        // shards from the metadata (the QDB), not router.yaml: the console may change their hosts
        RouterConfig.Builder config = RouterConfig.builder().host(RunningRouter.HOST).routerPort(0).adminConsolePort(0)
                .grpcApiPort(0).health(FAST).frontendRule(FrontendRule.console(account.user(), AuthRule.ok()));
        try (RunningRouter router = RunningRouter.start(RunningRouter.trusting(config, account, 5))) {
            HostsConsole.execute(router, account.user(), "CREATE SHARD sh1 WITH HOSTS '" + hostOf(a) + "'");
            try (Connection client = router.connect(account)) {
                assertThat(Sql.single(client, "SELECT inet_server_port()")).isEqualTo(Integer.toString(a.port()));
            }
            HostsConsole.await(router, account.user(), hostOf(a), r -> "primary".equals(r.get("role")), 10);

            // b in, a out in one batch: new transactions go to b, a's idle connection is closed
            HostsConsole.execute(router, account.user(), "ALTER SHARD sh1 ADD HOST '" + hostOf(b) + "'; "
                    + "ALTER SHARD sh1 DROP HOST '" + hostOf(a) + "'");
            HostsConsole.await(router, account.user(), hostOf(b), r -> "primary".equals(r.get("role")), 10);
            assertThat(HostsConsole.show(router, account.user())).extracting(r -> r.get("host")).containsExactly(hostOf(b));
            try (Connection client = router.connect(account)) {
                assertThat(Sql.single(client, "SELECT inet_server_port()")).isEqualTo(Integer.toString(b.port()));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            String left;
            do {
                Thread.sleep(50);
                left = a.psql("postgres", "SELECT count(*) FROM pg_stat_activity WHERE usename = '" + account.user()
                        + "' AND application_name <> 'shardgate_health_check'");
            } while (!left.equals("0") && System.nanoTime() < deadline);
            assertThat(left).as("the router's connections to the dropped host").isEqualTo("0");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
