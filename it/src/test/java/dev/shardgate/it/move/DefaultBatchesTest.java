package dev.shardgate.it.move;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.shardgate.it.move.MoveCluster.execute;
import static dev.shardgate.it.move.MoveCluster.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * REDISTRIBUTE without BATCH SIZE, with the coordinator's default batches (sized by time): the
 * first batch moves 8 MB of the relation by its statistics, or 10,000 rows without them; the
 * batches after it are sized from its lock time, at least half and at most 8 times its rows.
 */
@RealPostgres(servers = 2)
class DefaultBatchesTest {
    private MoveCluster cluster;

    @BeforeEach
    void start(PostgresServers servers) throws Exception {
        cluster = MoveCluster.startWithDefaultBatches(servers, "move_default_batches");
        // no autovacuum: the second table must stay without statistics until the move
        cluster.onShard(0, """
                CREATE TABLE analyzed (id bigint PRIMARY KEY, note text NOT NULL) WITH (autovacuum_enabled = false);
                CREATE TABLE unknown (id bigint PRIMARY KEY, note text NOT NULL) WITH (autovacuum_enabled = false);
                INSERT INTO analyzed SELECT g, 'note ' || g FROM generate_series(1, 30000) g;
                INSERT INTO unknown SELECT g, 'note ' || g FROM generate_series(1, 25000) g;
                ANALYZE analyzed;""");
        cluster.createShards();
        try (Connection console = cluster.console()) {
            execute(console, "CREATE DISTRIBUTION da COLUMN TYPES integer");
            execute(console, "ALTER DISTRIBUTION da ATTACH RELATION analyzed DISTRIBUTION KEY id");
            execute(console, "CREATE KEY RANGE ka FROM 0 ROUTE TO sh1 FOR DISTRIBUTION da");
            execute(console, "CREATE DISTRIBUTION du COLUMN TYPES integer");
            execute(console, "ALTER DISTRIBUTION du ATTACH RELATION unknown DISTRIBUTION KEY id");
            execute(console, "CREATE KEY RANGE ku FROM 0 ROUTE TO sh1 FOR DISTRIBUTION du");
        }
        cluster.awaitRouterSynced();
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aRelationWithStatisticsUnderEightMegabytesMovesInOneBatch() throws Exception {
        String before = cluster.content(0, "analyzed", "true");
        try (Connection console = cluster.console()) {
            List<String> moved = rows(console, "REDISTRIBUTE KEY RANGE ka TO sh2");
            assertThat(moved).singleElement().satisfies(row -> assertThat(row).endsWith("|ka|30000|1"));
        }
        assertThat(cluster.content(1, "analyzed", "true")).isEqualTo(before);
        assertThat(cluster.content(0, "analyzed", "true")).isEqualTo("0|0");
    }

    @Test
    void aRelationWithoutStatisticsStartsWithTenThousandRows() throws Exception {
        String before = cluster.content(0, "unknown", "true");
        try (Connection console = cluster.console()) {
            List<String> moved = rows(console, "REDISTRIBUTE KEY RANGE ku TO sh2");
            // 10,000 rows, then 15,000 left: one batch of up to 80,000 rows, or up to three of at least 5,000
            String[] row = moved.getFirst().split("\\|");
            assertThat(row[2]).isEqualTo("25000");
            assertThat(Integer.parseInt(row[3])).isBetween(2, 4);
        }
        assertThat(cluster.content(1, "unknown", "true")).isEqualTo(before);
    }
}
