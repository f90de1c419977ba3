package dev.shardgate.it.replica;

import static dev.shardgate.it.replica.ReplicaConsoles.console;
import static dev.shardgate.it.replica.ReplicaConsoles.direct;
import static dev.shardgate.it.replica.ReplicaConsoles.execute;
import static dev.shardgate.it.replica.ReplicaConsoles.host;
import static dev.shardgate.it.replica.ReplicaConsoles.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.coordinator.Coordinator;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.it.harness.ReplicatedShards;
import dev.shardgate.router.RouterServer;
import dev.shardgate.router.config.AuthRule;
import dev.shardgate.router.config.BackendRule;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.RouterConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SWITCHOVER SHARD on the coordinator's console: pgjdbc does the PostgreSQL side, the former
 * primary leaves the shard's hosts in the QDB, and a router fed by the coordinator gets that change.
 */
class CoordinatorSwitchoverTest {
    private static ReplicatedShards shards;
    private static Coordinator coordinator;
    private static RouterServer router;

    @BeforeAll
    static void start() throws Exception {
        shards = ReplicatedShards.start(1, 1);
        try (Connection primary = direct(shards.primary(0))) {
            execute(primary, "CREATE TABLE notes (id int PRIMARY KEY)");
            execute(primary, "INSERT INTO notes SELECT generate_series(1, 100)");
        }
        shards.standby(0, 0).waitForReplay(shards.primary(0), Duration.ofSeconds(60));
        coordinator = ReplicaConsoles.coordinator(shards);
        router = RouterServer.start(RouterConfig.builder()
                .host(LocalPostgres.HOST).routerPort(0).adminConsolePort(0).grpcApiPort(0)
                .withCoordinator(true).coordinatorAddress(LocalPostgres.HOST + ":" + coordinator.grpcApiPort())
                .frontendRule(FrontendRule.of(ReplicaConsoles.DATABASE, ReplicaConsoles.USER, AuthRule.ok()))
                .frontendRule(FrontendRule.console(ReplicaConsoles.USER, AuthRule.ok()))
                .backendRule(new BackendRule(ReplicaConsoles.DATABASE, ReplicaConsoles.USER, 10, false, true,
                        AuthRule.ok(), false))
                .build());
        try (Connection console = console(coordinator.consolePort())) {
            execute(console, "REGISTER ROUTER r1 ADDRESS '127.0.0.1:" + router.grpcApiPort() + "'");
        }
        Jdbc.await("the router holds the shard", 10_000, () -> router.context().metadata().shard("sh1").isPresent());
    }

    @AfterAll
    static void stop() {
        if (router != null) {
            router.close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
        if (shards != null) {
            shards.close();
        }
    }

    @Test
    void theFormerPrimaryLeavesTheShardOnTheCoordinatorAndTheRouter() throws SQLException {
        LocalPostgres oldPrimary = shards.primary(0);
        LocalPostgres standby = shards.standby(0, 0);
        try (Connection console = console(coordinator.consolePort())) {
            SQLException wrongTarget = catchThrowableOfType(SQLException.class,
                    () -> execute(console, "SWITCHOVER SHARD sh1 TO '" + host(oldPrimary) + "'"));
            assertThat(wrongTarget.getSQLState()).isEqualTo("55000");
            assertThat(wrongTarget.getMessage()).contains("is already the primary");

            List<List<String>> answer = rows(console, "SWITCHOVER SHARD sh1 TO '" + host(standby) + "'");

            assertThat(answer.getFirst().subList(0, 2)).containsExactly("sh1", host(standby));
            assertThat(answer.getFirst().get(3)).isEqualTo(host(oldPrimary));
            assertThat(rows(console, "SHOW shards")).containsExactly(List.of("sh1", host(standby)));
            assertThat(rows(console, "SHOW hosts")).extracting(row -> row.subList(1, 4))
                    .containsExactly(List.of(host(standby), "primary", "up"));
            assertThat(rows(console, "SHOW promotions")).isEmpty();
        }
        Jdbc.await("the router drops the former primary", 5000,
                () -> router.context().metadata().shard("sh1").orElseThrow().hosts().equals(List.of(host(standby))));
        try (Connection promoted = direct(standby)) {
            assertThat(Jdbc.column(promoted, "SELECT count(*) FROM notes")).containsExactly("100");
            execute(promoted, "INSERT INTO notes VALUES (101)");
        }
        try (Connection old = direct(oldPrimary)) {
            SQLException readOnly = catchThrowableOfType(SQLException.class, () -> execute(old, "INSERT INTO notes VALUES (102)"));
            assertThat(readOnly.getSQLState()).isEqualTo("25006");
        }
    }
}
