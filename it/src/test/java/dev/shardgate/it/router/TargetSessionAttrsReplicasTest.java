package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.ReplicatedShards;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.PoolMode;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import dev.shardgate.router.config.TargetSessionAttrs;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The attrs a session decides per transaction reach the pool, which picks the host: on a shard of a
 * primary and a streaming standby, a client under smart-read-write reads on the standby and writes
 * on the primary, whichever way it says so; on a shard with only a primary, a transaction that asks
 * for a standby gets the pool's error naming the shard, and prefer-standby falls back to the primary.
 */
@Timeout(180)
class TargetSessionAttrsReplicasTest {
    private static final String USER = "rt_tsa_replicas";

    private ReplicatedShards shards;
    private LocalPostgres primary;
    private LocalPostgres standby;
    private Account account;

    @BeforeEach
    void start() {
        shards = ReplicatedShards.start(1, 1);
        primary = shards.primary(0);
        standby = shards.standby(0, 0);
        account = Account.create(primary, USER);
        standby.waitForReplay(primary, Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        shards.close();
    }

    private static String hostOf(LocalPostgres server) {
        return server.host() + ":" + server.port();
    }

    private RunningRouter router(TargetSessionAttrs ruleAttrs, String... hosts) {
        RouterConfig.Builder config = RouterConfig.builder().host(RunningRouter.HOST).routerPort(0).adminConsolePort(0)
                .grpcApiPort(0).health(HostsTest.FAST).shard(RunningRouter.SHARD, ShardConfig.data(hosts));
        return RunningRouter.start(config
                .frontendRule(RunningRouter.frontend(account, PoolMode.TRANSACTION, AuthRule.ok()).withTargetSessionAttrs(ruleAttrs))
                .backendRule(RunningRouter.backend(account, 5, AuthRule.ok()))
                .frontendRule(FrontendRule.console(account.user(), AuthRule.ok())));
    }

    @Test
    void smartReadWriteReadsOnTheStandbyAndWritesOnThePrimary() throws Exception {
        try (RunningRouter router = router(TargetSessionAttrs.SMART_READ_WRITE, hostOf(standby), hostOf(primary))) {
            HostsConsole.await(router, account.user(), hostOf(primary), r -> "primary".equals(r.get("role")), 10);
            HostsConsole.await(router, account.user(), hostOf(standby),
                    r -> "standby".equals(r.get("role")) && r.get("lag_bytes") != null, 10);
            String onPrimary = Integer.toString(primary.port());
            String onStandby = Integer.toString(standby.port());
            for (String mode : new String[] {"simple", "extended"}) {
                try (Connection c = router.connect(account, Map.of("preferQueryMode", mode))) {
                    Sql.execute(c, "CREATE TABLE IF NOT EXISTS seen (port int)");
                    assertThat(Sql.single(c, "SELECT inet_server_port()")).as("a read").isEqualTo(onStandby);
                    assertThat(Sql.single(c, "SELECT pg_is_in_recovery()")).isEqualTo("t");
                    assertThat(Sql.single(c, "/*__spqr__target_session_attrs: read-write*/ SELECT inet_server_port()"))
                            .as("a read the hint sends to the primary").isEqualTo(onPrimary);
                    assertThat(Sql.single(c, "INSERT INTO seen SELECT inet_server_port() RETURNING port"))
                            .as("a write").isEqualTo(onPrimary);

                    c.setAutoCommit(false);
                    Sql.execute(c, "UPDATE seen SET port = port");
                    assertThat(Sql.single(c, "SELECT inet_server_port()")).as("a read after the transaction's write")
                            .isEqualTo(onPrimary);
                    c.commit();
                    c.setReadOnly(true); // BEGIN READ ONLY
                    assertThat(Sql.single(c, "SELECT my_port FROM (SELECT inet_server_port() AS my_port) p"))
                            .as("a transaction declared READ ONLY").isEqualTo(onStandby);
                    c.commit();
                    c.setReadOnly(false);
                    Sql.single(c, "SELECT 1");
                    Sql.assertFailsWith("25006", () -> Sql.execute(c, "UPDATE seen SET port = port"));
                    c.rollback();
                }
            }
        }
    }

    @Test
    void aStandbyAskedOfAShardWithOnlyAPrimaryIsThePoolsErrorNamingTheShard() throws Exception {
        try (RunningRouter router = router(TargetSessionAttrs.READ_WRITE, hostOf(primary))) {
            HostsConsole.await(router, account.user(), hostOf(primary), r -> "primary".equals(r.get("role")), 10);
            try (Connection c = router.connect(account)) {
                SQLException refused = Sql.assertFailsWith("08001",
                        () -> Sql.single(c, "/*__spqr__target_session_attrs: standby*/ SELECT 1"));
                assertThat(refused.getMessage()).contains("sh1", "standby");
                Sql.execute(c, "SET __spqr__target_session_attrs = 'prefer-standby'");
                assertThat(Sql.single(c, "SELECT inet_server_port()")).isEqualTo(Integer.toString(primary.port()));
                Sql.execute(c, "SET __spqr__target_session_attrs = 'read-only'");
                Sql.assertFailsWith("08001", () -> Sql.single(c, "SELECT 1"));
            }
        }
    }
}
