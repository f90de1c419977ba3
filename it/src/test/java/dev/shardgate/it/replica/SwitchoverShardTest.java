package dev.shardgate.it.replica;

import static dev.shardgate.it.replica.ReplicaConsoles.console;
import static dev.shardgate.it.replica.ReplicaConsoles.direct;
import static dev.shardgate.it.replica.ReplicaConsoles.execute;
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
 * SWITCHOVER SHARD on a router's console while bank transfers run straight against the primary: no
 * money appears or vanishes, and every transfer a client saw commit is on the new primary.
 */
class SwitchoverShardTest {
    private static final int WORKERS = 4;

    @Test
    void noCommittedTransferIsLostAndNoMoneyIsMade() throws Exception {
        try (ReplicaCluster cluster = ReplicaCluster.start(1, BankTransfers.tables())) {
            RouterServer router = cluster.router();
            LocalPostgres oldPrimary = cluster.primary();
            LocalPostgres standby = cluster.standby(0);
            List<List<String>> answer;
            // errors are expected here, and BankTransfers reconnects after each: read-only (25006) and
            // terminated (57P01) while and after the switchover, refused once the old primary is fenced
            BankTransfers bank = new BankTransfers(WORKERS, () -> direct(oldPrimary));
            try (bank) {
                Jdbc.await("100 transfers committed", 30_000, () -> bank.committed.size() >= 100);
                try (Connection console = console(router.consolePort())) {
                    answer = rows(console, "SWITCHOVER SHARD sh1");
                }
                int atSwitch = bank.committed.size();
                Jdbc.await("workers to try again after the switchover", 5000, () -> bank.ids.get() > atSwitch + WORKERS * 3L);
            }

            assertThat(answer).hasSize(1);
            assertThat(answer.getFirst().subList(0, 2)).containsExactly("sh1", host(standby));
            assertThat(answer.getFirst().get(3)).isEqualTo(host(oldPrimary));
            assertThat(answer.getFirst().get(4)).startsWith("former primary, needs re-attaching")
                    .contains("dropped from the shard's hosts").doesNotContain("WARNING");
            assertThat(standby.isInRecovery()).isFalse();
            assertThat(router.context().metadata().shard("sh1").orElseThrow().hosts()).containsExactly(host(standby));
            // the shard is router.yaml's, yet the router's pools follow the metadata: the fenced
            // former primary serves no read-only session
            try (Connection console = console(router.consolePort())) {
                assertThat(rows(console, "SHOW hosts")).extracting(row -> row.get(1)).containsExactly(host(standby));
            }

            bank.assertKeptOn(standby);
            try (Connection promoted = direct(standby)) {
                execute(promoted, "INSERT INTO transfers VALUES (-1)");
            }
            try (Connection old = direct(oldPrimary)) {
                assertThat(Jdbc.column(old, "SHOW default_transaction_read_only")).containsExactly("on");
            }
        }
    }
}
