package dev.shardgate.it.replica;

import static dev.shardgate.it.replica.ReplicaConsoles.console;
import static dev.shardgate.it.replica.ReplicaConsoles.direct;
import static dev.shardgate.it.replica.ReplicaConsoles.host;
import static dev.shardgate.it.replica.ReplicaConsoles.rows;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.it.harness.ReplicatedShards;
import dev.shardgate.router.RouterServer;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SWITCHOVER SHARD on a router's console while bank transfers run through that router: the router
 * holds the shard's new transactions from before the old primary is fenced until it knows the new
 * one, so its clients see a pause, not an error; no money appears or vanishes, and every transfer a
 * client saw commit is on the new primary.
 */
class SwitchoverThroughRouterTest {
    private static final int WORKERS = 4;

    private static ReplicatedShards shards;
    private static RouterServer router;

    @BeforeAll
    static void start() throws Exception {
        shards = ReplicatedShards.start(1, 1);
        try (Connection primary = direct(shards.primary(0))) {
            BankTransfers.createTables(primary);
        }
        shards.standby(0, 0).waitForReplay(shards.primary(0), Duration.ofSeconds(60));
        router = ReplicaConsoles.router(shards);
    }

    @AfterAll
    static void stop() {
        if (router != null) {
            router.close();
        }
        if (shards != null) {
            shards.close();
        }
    }

    @Test
    void clientsOfTheRouterWaitThroughTheSwitchoverAndLoseNothing() throws Exception {
        LocalPostgres oldPrimary = shards.primary(0);
        LocalPostgres standby = shards.standby(0, 0);
        List<List<String>> answer;
        BankTransfers bank = new BankTransfers(WORKERS, () -> ReplicaConsoles.throughRouter(router));
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
        try (Connection promoted = direct(standby)) {
            assertThat(Jdbc.column(promoted, "SELECT sum(balance) FROM accounts")).containsExactly(
                    Long.toString(BankTransfers.ACCOUNTS * BankTransfers.BALANCE));
            Set<Long> there = Jdbc.column(promoted, "SELECT id FROM transfers").stream().map(Long::parseLong)
                    .collect(Collectors.toSet());
            assertThat(there).as("transfers a client saw commit").containsAll(bank.committed);
        }
        try (Connection console = console(router.consolePort())) {
            assertThat(rows(console, "SHOW pauses")).as("the hold ended with the switchover").isEmpty();
        }
    }
}
