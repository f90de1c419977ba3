package dev.shardgate.it.move;

import static dev.shardgate.it.move.MoveCluster.execute;
import static dev.shardgate.it.move.MoveCluster.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPQR's SYNC REFERENCE TABLES on the coordinator: sh2's stale or missing copies of the reference
 * tables placed on it become sh1's, row for row; a table not placed on sh2 is refused by name.
 */
@RealPostgres(servers = 2)
class ReferenceSyncTest {
    private MoveCluster cluster;

    @BeforeEach
    void start(PostgresServers servers) throws Exception {
        cluster = MoveCluster.start(servers, "reference_sync");
        cluster.onShard(0, """
                CREATE TABLE regions (id int PRIMARY KEY, name text);
                INSERT INTO regions SELECT g, 'r' || g FROM generate_series(1, 50) g;
                CREATE TABLE colors (name text PRIMARY KEY);
                INSERT INTO colors VALUES ('red'), ('green');
                CREATE TABLE tags (tag text PRIMARY KEY);
                INSERT INTO tags VALUES ('a');""");
        // sh2's copy has drifted: a row missing, one changed, one extra; colors never got there
        cluster.onShard(1, """
                CREATE TABLE regions (id int PRIMARY KEY, name text);
                INSERT INTO regions SELECT g, 'r' || g FROM generate_series(2, 50) g;
                UPDATE regions SET name = 'stale' WHERE id = 7;
                INSERT INTO regions VALUES (99, 'extra');""");
        cluster.createShards();
        try (Connection console = cluster.console()) {
            execute(console, "CREATE REFERENCE TABLE regions");
            execute(console, "CREATE REFERENCE TABLE colors ON sh1, sh2");
            execute(console, "CREATE REFERENCE TABLE tags ON sh1");
        }
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void syncOneTableMakesTheShardsCopyEqual() throws SQLException {
        assertThat(cluster.content(1, "regions", "true")).isNotEqualTo(cluster.content(0, "regions", "true"));
        try (Connection console = cluster.console()) {
            assertThat(rows(console, "SYNC REFERENCE TABLE regions ON sh2")).containsExactly("public.regions|sh1|50");
        }
        assertThat(cluster.content(1, "regions", "true")).isEqualTo(cluster.content(0, "regions", "true"));
    }

    @Test
    void syncAllCopiesEveryTablePlacedOnTheShardCreatingMissingOnes() throws SQLException {
        try (Connection console = cluster.console()) {
            assertThat(rows(console, "SYNC REFERENCE TABLES ON sh2"))
                    .containsExactlyInAnyOrder("public.colors|sh1|2", "public.regions|sh1|50");
        }
        assertThat(cluster.content(1, "colors", "true")).isEqualTo(cluster.content(0, "colors", "true"));
        assertThat(cluster.content(1, "regions", "true")).isEqualTo(cluster.content(0, "regions", "true"));
        assertThat(cluster.content(1, "tags", "true")).isEqualTo("0|0");
    }

    @Test
    void aTableNotPlacedOnTheShardIsRefused() throws SQLException {
        try (Connection console = cluster.console()) {
            assertThatThrownBy(() -> execute(console, "SYNC REFERENCE TABLE tags ON sh2"))
                    .hasMessageContaining("reference relation \"public.tags\" is not placed on shard \"sh2\"")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("55000"));
            assertThatThrownBy(() -> execute(console, "SYNC REFERENCE TABLE nothing ON sh2"))
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42P01"));
        }
        assertThat(cluster.content(1, "tags", "true")).isEqualTo("0|0");
    }
}
