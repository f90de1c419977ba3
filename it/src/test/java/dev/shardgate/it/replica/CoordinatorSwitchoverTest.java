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
import dev.shardgate.router.RouterServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SWITCHOVER SHARD on the coordinator's console: pgjdbc does the PostgreSQL side, the former
 * primary leaves the shard's hosts in the QDB, and a router fed by the coordinator gets that change.
 */
class CoordinatorSwitchoverTest {
    @Test
    void theFormerPrimaryLeavesTheShardOnTheCoordinatorAndTheRouter() throws Exception {
        try (ReplicaCluster cluster = ReplicaCluster.start(1, "CREATE TABLE notes (id int PRIMARY KEY)",
                "INSERT INTO notes SELECT generate_series(1, 100)")) {
            Coordinator coordinator = cluster.coordinator();
            RouterServer router = cluster.routerFedBy(coordinator, "r1");
            LocalPostgres oldPrimary = cluster.primary();
            LocalPostgres standby = cluster.standby(0);
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
}
