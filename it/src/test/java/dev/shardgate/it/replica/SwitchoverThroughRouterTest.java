package dev.shardgate.it.replica;

import static dev.shardgate.it.replica.ReplicaConsoles.client;
import static dev.shardgate.it.replica.ReplicaConsoles.console;
import static dev.shardgate.it.replica.ReplicaConsoles.host;
import static dev.shardgate.it.replica.ReplicaConsoles.rows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.router.RouterServer;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SWITCHOVER SHARD on a router's console while bank transfers run through that router: the router
 * holds the shard's new transactions from before the old primary is fenced until it knows the new
 * one, so its clients see a pause, not an error; no money appears or vanishes, and every transfer a
 * client saw commit is on the new primary.
 */
class SwitchoverThroughRouterTest {
    private static final int WORKERS = 4;

    @Test
    void clientsOfTheRouterWaitThroughTheSwitchoverAndLoseNothing() throws Exception {
        try (ReplicaCluster cluster = ReplicaCluster.start(1, BankTransfers.tables())) {
            RouterServer router = cluster.router();
            LocalPostgres oldPrimary = cluster.primary();
            LocalPostgres standby = cluster.standby(0);
            List<List<String>> answer;
            BankTransfers bank = new BankTransfers(WORKERS, () -> client(router.port()));
            try (bank) {
                Jdbc.await("100 transfers committed", 30_000, () -> bank.committed.size() >= 100);
                try (Connection console = console(router.consolePort())) {
                    answer = rows(console, "SWITCHOVER SHARD sh1");
                }
                int atSwitch = bank.committed.size();
                Jdbc.await("100 more transfers committed after the switchover", 30_000,
                        () -> bank.committed.size() >= atSwitch + 100);
            }

            assertThat(answer.getFirst().subList(0, 2)).containsExactly("sh1", host(standby));
            assertThat(answer.getFirst().get(3)).isEqualTo(host(oldPrimary));
            assertThat(bank.errors).as("errors the router's clients saw").isEmpty();
            bank.assertKeptOn(standby);
            try (Connection console = console(router.consolePort())) {
                assertThat(rows(console, "SHOW pauses")).as("the hold ended with the switchover").isEmpty();
            }
        }
    }
}
