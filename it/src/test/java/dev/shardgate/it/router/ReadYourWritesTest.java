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
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * read_your_writes: with the standby's replay paused, a session that reads its own writes finds its
 * insert at once (on the primary), while a session that does not ask for it reads the lagging
 * standby and misses the row; once replay resumes, the first session's reads go back to the standby.
 */
@Timeout(180)
class ReadYourWritesTest {
    private static final String USER = "rt_read_your_writes";

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
        primary.psql(account.database(), "CREATE TABLE notes (id int PRIMARY KEY, body text); ALTER TABLE notes OWNER TO " + USER);
        standby.waitForReplay(primary, Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        shards.close();
    }

    @Test
    void aSessionReadsItsOwnInsertAtOnceDespiteALaggingStandby() throws Exception {
        String hosts = primary.host() + ":" + primary.port();
        RouterConfig.Builder config = RouterConfig.builder().host(RunningRouter.HOST).routerPort(0).adminConsolePort(0)
                .grpcApiPort(0).health(HostsTest.FAST)
                .shard(RunningRouter.SHARD, ShardConfig.data(standby.host() + ":" + standby.port(), hosts))
                .frontendRule(RunningRouter.frontend(account, PoolMode.TRANSACTION, AuthRule.ok())
                        .withTargetSessionAttrs(TargetSessionAttrs.SMART_READ_WRITE))
                .backendRule(RunningRouter.backend(account, 5, AuthRule.ok()))
                .frontendRule(FrontendRule.console(account.user(), AuthRule.ok()));
        try (RunningRouter router = RunningRouter.start(config);
             Connection own = router.connect(account);
             Connection other = router.connect(account)) {
            HostsConsole.await(router, account.user(), standby.host() + ":" + standby.port(),
                    r -> "standby".equals(r.get("role")) && r.get("lag_bytes") != null, 10);
            Sql.execute(own, "SET __spqr__read_your_writes = on");
            assertThat(Sql.single(own, "SHOW __spqr__read_your_writes")).isEqualTo("on");
            assertThat(Sql.single(own, "SELECT pg_is_in_recovery() FROM (SELECT 1) one")).as("reads go to the standby")
                    .isEqualTo("t");

            standby.pauseReplay();
            Sql.execute(own, "INSERT INTO notes VALUES (1, 'mine')");
            assertThat(Sql.single(own, "SELECT body || ' ' || pg_is_in_recovery() FROM notes WHERE id = 1"))
                    .as("its own insert, read at once: from the primary").isEqualTo("mine false");
            assertThat(Sql.rows(other, "SELECT pg_is_in_recovery() FROM notes WHERE id = 1"))
                    .as("a session without read_your_writes reads the paused standby: no row").isEmpty();
            assertThat(Sql.single(other, "SELECT pg_is_in_recovery() FROM (SELECT 1) one")).isEqualTo("t");

            standby.resumeReplay();
            standby.waitForReplay(primary, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String read = "";
            while (System.nanoTime() < deadline && !read.equals("mine true")) {
                read = Sql.single(own, "SELECT body || ' ' || pg_is_in_recovery() FROM notes WHERE id = 1");
                Thread.sleep(100);
            }
            assertThat(read).as("once the standby replayed the write, the session reads there again").isEqualTo("mine true");

            Sql.assertFailsWith("22023", () -> Sql.execute(own, "SET __spqr__read_your_writes = maybe"));
        }
    }
}
