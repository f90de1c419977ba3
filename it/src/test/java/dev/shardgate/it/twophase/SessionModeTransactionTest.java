package dev.shardgate.it.twophase;

import static dev.shardgate.it.twophase.BankCluster.column;
import static dev.shardgate.it.twophase.BankCluster.execute;
import static dev.shardgate.it.twophase.BankCluster.number;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/** In SESSION pool mode a client keeps its own backend across a transaction that joined another shard. */
@RealPostgres(servers = 2, settings = "max_prepared_transactions=20")
class SessionModeTransactionTest {

    @Test
    void theSessionKeepsTheBackendItsTransactionBeganOn(PostgresServers servers) throws Exception {
        try (BankCluster cluster = BankCluster.start(servers, "twophase_session", PoolMode.SESSION)) {
            execute(cluster.shard(0), "INSERT INTO accounts VALUES (1, 100)");
            execute(cluster.shard(1), "INSERT INTO accounts VALUES (1001, 100)");
            try (Connection client = cluster.connect(true)) {
                execute(client, "SET __spqr__commit_strategy = '2pc'");
                execute(client, "SET application_name = 'kept'");
                String pid = column(client, "SELECT pg_backend_pid() FROM accounts WHERE id = 1").getFirst();
                for (boolean commit : new boolean[] {true, false, true}) {
                    execute(client, "BEGIN ISOLATION LEVEL REPEATABLE READ");
                    execute(client, "UPDATE accounts SET balance = balance - 10 WHERE id = 1");
                    // the joining shard starts its transaction the same way
                    assertThat(column(client, "SELECT current_setting('transaction_isolation') FROM accounts WHERE id = 1001"))
                            .containsExactly("repeatable read");
                    assertThat(column(client, "SELECT current_setting('application_name') FROM accounts WHERE id = 1001"))
                            .containsExactly("kept");
                    execute(client, "UPDATE accounts SET balance = balance + 10 WHERE id = 1001");
                    execute(client, commit ? "COMMIT" : "ROLLBACK");
                    assertThat(column(client, "SELECT pg_backend_pid() FROM accounts WHERE id = 1")).containsExactly(pid);
                }
            }
            assertThat(number(cluster.shard(0), "SELECT balance FROM accounts WHERE id = 1")).isEqualTo(80);
            assertThat(number(cluster.shard(1), "SELECT balance FROM accounts WHERE id = 1001")).isEqualTo(120);
        }
    }
}
