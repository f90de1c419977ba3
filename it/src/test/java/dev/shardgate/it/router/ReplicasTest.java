package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.ReplicatedShards;
import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.HealthSettings;
import dev.shardgate.router.config.RouterConfig;
import dev.shardgate.router.config.ShardConfig;
import dev.shardgate.router.config.TargetSessionAttrs;
import dev.shardgate.router.pool.BackendPool;
import dev.shardgate.wire.PgException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A shard made of a primary and a streaming standby (pg_basebackup -R): the router learns the roles
 * from the servers (the standby is listed first), sends writes to the primary and, by
 * target_session_attrs, reads to the standby; a stopped or lagging standby gets no reads; a primary
 * killed and its standby promoted takes the writes within a few check intervals. Until the session
 * asks the pool for attrs other than read-write (the tsa work), these tests ask the router's pool
 * directly and look at which host's connection they got.
 */
@Timeout(180)
class ReplicasTest {
    private static final HealthSettings FAST = HostsTest.FAST;
    private static final String USER = "rt_replicas";

    private ReplicatedShards shards;
    private LocalPostgres primary;
    private LocalPostgres standby;
    private Account account;

    @BeforeEach
    void start() {
        shards = ReplicatedShards.start(1, 1);
        primary = shards.primary(0);
        standby = shards.standby(0, 0);
        account = Account.create(primary, USER); // the role and database reach the standby by replication
        standby.waitForReplay(primary, Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        shards.close();
    }

    private static String hostOf(LocalPostgres server) {
        return server.host() + ":" + server.port();
    }

    private RunningRouter router(HealthSettings health) {
        RouterConfig.Builder config = RouterConfig.builder().host(RunningRouter.HOST).routerPort(0).adminConsolePort(0)
                .grpcApiPort(0).health(health)
                // the standby first: the order of the list says nothing about roles
                .shard(RunningRouter.SHARD, ShardConfig.data(hostOf(standby), hostOf(primary)));
        return RunningRouter.start(RunningRouter.trusting(config, account, 5)
                .frontendRule(FrontendRule.console(account.user(), AuthRule.ok())));
    }

    private BackendPool pool(RunningRouter router) {
        return router.pools().pool(RunningRouter.SHARD, account.database(), account.user());
    }

    /** The port of the host a transaction asking for {@code attrs} gets. */
    private static int portFor(BackendPool pool, TargetSessionAttrs attrs) throws Exception {
        BackendConnection connection = pool.acquire(attrs, () -> false);
        try {
            return connection.address().port();
        } finally {
            pool.release(connection);
        }
    }

    private void awaitRoles(RunningRouter router) throws Exception {
        HostsConsole.await(router, account.user(), hostOf(primary), r -> "primary".equals(r.get("role")), 10);
        HostsConsole.await(router, account.user(), hostOf(standby),
                r -> "standby".equals(r.get("role")) && r.get("lag_bytes") != null, 10);
    }

    @Test
    void readsGoToTheStandbyWritesToThePrimaryAndAStoppedStandbyLeavesOnlyPreferStandby() throws Exception {
        try (RunningRouter router = router(FAST)) {
            awaitRoles(router);
            try (Connection client = router.connect(account)) {
                Sql.execute(client, "CREATE TABLE written (v int)");
                Sql.execute(client, "INSERT INTO written VALUES (1)");
                assertThat(Sql.single(client, "SELECT inet_server_port()")).as("a client's transaction by default")
                        .isEqualTo(Integer.toString(primary.port()));
            }
            assertThat(primary.psql(account.database(), "SELECT count(*) FROM written")).isEqualTo("1");
            standby.waitForReplay(primary, Duration.ofSeconds(30));
            BackendPool pool = pool(router);
            assertThat(portFor(pool, TargetSessionAttrs.READ_WRITE)).isEqualTo(primary.port());
            assertThat(portFor(pool, TargetSessionAttrs.PRIMARY)).isEqualTo(primary.port());
            assertThat(portFor(pool, TargetSessionAttrs.READ_ONLY)).isEqualTo(standby.port());
            assertThat(portFor(pool, TargetSessionAttrs.STANDBY)).isEqualTo(standby.port());
            assertThat(portFor(pool, TargetSessionAttrs.PREFER_STANDBY)).isEqualTo(standby.port());
            assertThat(List.of(primary.port(), standby.port())).contains(portFor(pool, TargetSessionAttrs.ANY));
            Map<String, String> row = HostsConsole.row(router, account.user(), hostOf(standby));
            assertThat(row).containsEntry("state", "up").containsEntry("last_error", null);
            assertThat(Integer.parseInt(row.get("connections"))).isPositive();

            standby.stop();
            try {
                HostsConsole.await(router, account.user(), hostOf(standby), r -> r.get("state").equals("down"), 10);
                PgException refused = catchThrowableOfType(PgException.class,
                        () -> pool.acquire(TargetSessionAttrs.STANDBY, () -> false));
                assertThat(refused.sqlState().code()).isEqualTo("08001");
                assertThat(refused.getMessage()).contains("shard \"sh1\" has no usable standby")
                        .contains(hostOf(standby) + " is down");
                assertThat(portFor(pool, TargetSessionAttrs.PREFER_STANDBY)).as("prefer-standby falls back")
                        .isEqualTo(primary.port());
                try (Connection client = router.connect(account)) {
                    Sql.execute(client, "INSERT INTO written VALUES (2)");
                }
            } finally {
                standby.restart();
            }
            HostsConsole.await(router, account.user(), hostOf(standby), r -> r.get("state").equals("up"), 15);
            assertThat(portFor(pool, TargetSessionAttrs.STANDBY)).as("back after health_check_successes").isEqualTo(standby.port());
        }
    }

    @Test
    void aStandbyLaggingPastMaxReplicaLagGetsNoReadsUntilItCatchesUp() throws Exception {
        try (RunningRouter router = router(FAST.withMaxLag(64 << 10, Duration.ZERO))) {
            awaitRoles(router);
            BackendPool pool = pool(router);
            assertThat(portFor(pool, TargetSessionAttrs.PREFER_STANDBY)).isEqualTo(standby.port());
            standby.pauseReplay();
            try (Connection client = router.connect(account)) {
                Sql.execute(client, "CREATE TABLE filler AS SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 5000) g");
            }
            Map<String, String> lagging = HostsConsole.await(router, account.user(), hostOf(standby),
                    r -> r.get("lag_bytes") != null && Long.parseLong(r.get("lag_bytes")) > 64 << 10, 10);
            assertThat(Double.parseDouble(lagging.get("lag_seconds"))).isGreaterThanOrEqualTo(0);
            assertThat(portFor(pool, TargetSessionAttrs.PREFER_STANDBY)).as("reads leave the lagging standby")
                    .isEqualTo(primary.port());
            PgException refused = catchThrowableOfType(PgException.class, () -> pool.acquire(TargetSessionAttrs.STANDBY, () -> false));
            assertThat(refused.getMessage()).contains(hostOf(standby)).contains("over max_replica_lag");

            standby.resumeReplay();
            HostsConsole.await(router, account.user(), hostOf(standby), r -> "0".equals(r.get("lag_bytes")), 15);
            assertThat(portFor(pool, TargetSessionAttrs.PREFER_STANDBY)).as("caught up: reads return")
                    .isEqualTo(standby.port());
        }
    }

    @Test
    void aKilledPrimaryAndAPromotedStandbyTakeTheWritesWithoutARestart() throws Exception {
        try (RunningRouter router = router(FAST)) {
            awaitRoles(router);
            try (Connection client = router.connect(account)) {
                Sql.execute(client, "CREATE TABLE written (v text)");
                Sql.execute(client, "INSERT INTO written VALUES ('before')");
            }
            standby.waitForReplay(primary, Duration.ofSeconds(30));
            // an idle connection to the standby, which must not serve writes once it is promoted
            assertThat(portFor(pool(router), TargetSessionAttrs.READ_ONLY)).isEqualTo(standby.port());

            primary.kill();
            standby.promote();
            long promoted = System.nanoTime();
            List<String> errors = new ArrayList<>();
            boolean written = false;
            while (!written && System.nanoTime() - promoted < Duration.ofSeconds(10).toNanos()) {
                try (Connection client = router.connect(account)) {
                    Sql.execute(client, "INSERT INTO written VALUES ('after')");
                    assertThat(Sql.single(client, "SELECT inet_server_port()")).isEqualTo(Integer.toString(standby.port()));
                    written = true;
                } catch (SQLException e) {
                    errors.add(e.getSQLState() + " " + e.getMessage());
                    Thread.sleep(50);
                }
            }
            assertThat(written).as("writes resume within 10 s of the promotion; errors meanwhile: " + errors).isTrue();
            // every error came from the router as an ErrorResponse: pgjdbc's own I/O failures say so
            assertThat(errors).allSatisfy(error -> assertThat(error).doesNotContain("I/O error")
                    .containsAnyOf("sh1", "shard"));
            assertThat(standby.psql(account.database(), "SELECT string_agg(v, ',' ORDER BY v) FROM written"))
                    .isEqualTo("after,before");
            HostsConsole.await(router, account.user(), hostOf(primary), r -> r.get("state").equals("down"), 10);
            assertThat(HostsConsole.row(router, account.user(), hostOf(standby))).containsEntry("role", "primary")
                    .containsEntry("state", "up");
        }
    }
}
