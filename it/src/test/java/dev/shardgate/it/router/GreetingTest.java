package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.PGConnection;

/**
 * In transaction pooling a login needs no backend once a login with the same client settings has
 * seen what a backend reports: the parameters come from that login, as a server would send them.
 */
@RealPostgres(servers = 1)
@Timeout(60)
class GreetingTest {

    @Test
    void aRepeatedLoginIsAnsweredWithoutABackendAndANewOneWaitsForOne(PostgresServers servers) throws Exception {
        Account account = Account.create(servers.get(0), "rt_greeting");
        var config = RunningRouter.admit(RunningRouter.configFor(servers.get(0)), account, PoolMode.TRANSACTION, 1)
                .poolWaitTimeout(Duration.ofMillis(800));
        try (RunningRouter router = RunningRouter.start(config)) {
            try (Connection first = router.connect(account, Map.of("ApplicationName", "alpha"))) {
                assertThat(first.unwrap(PGConnection.class).getParameterStatus("application_name")).isEqualTo("alpha");
            }
            try (Connection holder = router.connect(account, Map.of("ApplicationName", "alpha"))) {
                holder.setAutoCommit(false);
                try (Statement statement = holder.createStatement()) {
                    statement.execute("SELECT 1"); // the only backend stays with this open transaction
                }

                try (Connection again = router.connect(account, Map.of("ApplicationName", "alpha"))) {
                    PGConnection pg = again.unwrap(PGConnection.class);
                    assertThat(pg.getParameterStatus("application_name")).isEqualTo("alpha");
                    assertThat(pg.getParameterStatus("server_version")).startsWith("15");
                    assertThat(pg.getParameterStatus("client_encoding")).isEqualTo("UTF8");
                }
                SQLException waited = Sql.assertFailsWith("53300",
                        () -> router.connect(account, Map.of("ApplicationName", "beta")).close());
                assertThat(waited.getMessage()).contains("connection_limit 1");
                holder.rollback();
            }
            try (Connection beta = router.connect(account, Map.of("ApplicationName", "beta"))) {
                assertThat(beta.unwrap(PGConnection.class).getParameterStatus("application_name")).isEqualTo("beta");
            }
        }
    }
}
