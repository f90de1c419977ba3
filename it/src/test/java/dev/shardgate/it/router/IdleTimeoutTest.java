package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.PoolMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code client_idle_timeout}: a logged-in client that sends nothing for that long gets PostgreSQL's
 * idle-session FATAL (57P05) and the connection closes; one that keeps talking stays.
 */
@RealPostgres(servers = 1)
@Timeout(60)
class IdleTimeoutTest {

    @Test
    void anIdleClientIsToldWhyAndDisconnectedAnActiveOneStays(PostgresServers servers) throws Exception {
        Account account = Account.create(servers.get(0), "rt_idle");
        var config = RunningRouter.configFor(servers.get(0)).clientIdleTimeout(Duration.ofMillis(700))
                .frontendRule(RunningRouter.frontend(account, PoolMode.TRANSACTION, AuthRule.ok()))
                .backendRule(RunningRouter.backend(account, 2, AuthRule.ok()));
        try (RunningRouter router = RunningRouter.start(config)) {
            try (RawClient idle = new RawClient(router.port()); RawClient active = new RawClient(router.port())) {
                idle.send(startup(account));
                active.send(startup(account));
                assertThat(idle.readUntilReady(Duration.ofSeconds(10))).isTrue();
                assertThat(active.readUntilReady(Duration.ofSeconds(10))).isTrue();
                long started = System.nanoTime();
                for (int i = 0; i < 6; i++) {
                    Thread.sleep(250); // well under the timeout each time, 1.5 s in all
                    active.send(query("SELECT 1"));
                    assertThat(active.readUntilReady(Duration.ofSeconds(5))).as("the active client is served").isTrue();
                }

                RawClient.Answer answer = idle.answer(Duration.ofSeconds(5));
                assertThat(answer).isInstanceOf(RawClient.Error.class);
                RawClient.Error error = (RawClient.Error) answer;
                assertThat(error.sqlState()).isEqualTo("57P05");
                assertThat(error.fields().get('S')).isEqualTo("FATAL");
                assertThat(error.fields().get('M')).isEqualTo("terminating connection due to idle-session timeout");
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(600));
                assertThat(idle.answer(Duration.ofSeconds(5))).isInstanceOf(RawClient.Closed.class);
            }
        }
    }

    private static byte[] startup(Account account) {
        byte[] fields = ("user\0" + account.user() + "\0database\0" + account.database() + "\0\0").getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + fields.length).putInt(8 + fields.length).putInt(196608).put(fields).array();
    }

    private static byte[] query(String sql) {
        byte[] text = (sql + "\0").getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(5 + text.length).put((byte) 'Q').putInt(4 + text.length).put(text).array();
    }
}
