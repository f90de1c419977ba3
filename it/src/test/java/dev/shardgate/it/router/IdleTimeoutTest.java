package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
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
        var config = RunningRouter.trusting(RunningRouter.configFor(servers.get(0)).clientIdleTimeout(Duration.ofMillis(700)), account, 2);
        try (RunningRouter router = RunningRouter.start(config)) {
            try (RawClient idle = new RawClient(router.port()); RawClient active = new RawClient(router.port())) {
                idle.send(RawClient.startup(account));
                active.send(RawClient.startup(account));
                assertThat(idle.readUntilReady(Duration.ofSeconds(10))).isTrue();
                assertThat(active.readUntilReady(Duration.ofSeconds(10))).isTrue();
                long started = System.nanoTime();
                for (int i = 0; i < 6; i++) {
                    Thread.sleep(250); // well under the timeout each time, 1.5 s in all
                    active.send(RawClient.query("SELECT 1"));
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
}
