package dev.shardgate.it.move;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.shardgate.it.move.MoveCluster.execute;
import static dev.shardgate.it.move.MoveCluster.rows;
import static dev.shardgate.it.move.MoveCluster.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DRAIN SHARD sh3 while clients update and insert keys all over the distribution through a
 * router: sh3's two key ranges go to sh1 and sh2 (round-robin), its reference tables to the
 * others, sh3 ends empty, no row is lost or doubled, and DROP SHARD sh3, refused before, succeeds.
 */
@RealPostgres(servers = 3)
class DrainShardTest {
    private static final int ROWS = 40_000;
    private static final String ORDER_ROWS = "SELECT id, 'n' || id AS note FROM unnest(?::bigint[]) id";

    private MoveCluster cluster;

    @BeforeEach
    void start(PostgresServers servers) throws Exception {
        cluster = MoveCluster.start(servers, "move_drain");
        String[] ranges = {"g < 10000", "g >= 10000 AND g < 20000", "g >= 20000"};
        for (int shard = 0; shard < 3; shard++) {
            cluster.onShard(shard, """
                    CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL);
                    INSERT INTO orders SELECT g, 'n' || g FROM generate_series(0, %d) g WHERE %s;
                    CREATE TABLE regions (id int PRIMARY KEY, name text);
                    INSERT INTO regions SELECT g, 'r' || g FROM generate_series(1, 50) g;""".formatted(ROWS - 1, ranges[shard]));
        }
        cluster.onShard(2, """
                CREATE TABLE tags (tag text PRIMARY KEY, weight int NOT NULL DEFAULT 1);
                INSERT INTO tags SELECT 't' || g, g FROM generate_series(1, 700) g;""");
        cluster.createShards();
        try (Connection console = cluster.console()) {
            execute(console, "CREATE REFERENCE TABLE tags ON sh3");
            execute(console, "CREATE REFERENCE TABLE regions ON sh2, sh3");
            execute(console, "CREATE DISTRIBUTION ds1 COLUMN TYPES integer");
            execute(console, "ALTER DISTRIBUTION ds1 ATTACH RELATION orders DISTRIBUTION KEY id");
            execute(console, "CREATE KEY RANGE kr4 FROM 30000 ROUTE TO sh3 FOR DISTRIBUTION ds1");
            execute(console, "CREATE KEY RANGE kr3 FROM 20000 ROUTE TO sh3 FOR DISTRIBUTION ds1");
            execute(console, "CREATE KEY RANGE kr2 FROM 10000 ROUTE TO sh2 FOR DISTRIBUTION ds1");
            execute(console, "CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1");
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
    void drainEmptiesTheShardUnderWritesThenDropShardSucceeds() throws Exception {
        long[] initial = LongStream.range(0, ROWS).toArray();
        String tagsBefore = cluster.content(2, "tags", "true");
        try (Connection console = cluster.console()) {
            assertThatThrownBy(() -> execute(console, "DROP SHARD sh3")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("key range \"kr3\"")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("2BP01"));
            assertThatThrownBy(() -> execute(console, "DRAIN SHARD sh3 TO sh3")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("cannot drain shard \"sh3\" into itself");

            AtomicLong nextNew = new AtomicLong(ROWS);
            OrderWorkload workload = new OrderWorkload(cluster, new OrderWorkload.Keys(
                    () -> ThreadLocalRandom.current().nextInt(ROWS), nextNew::getAndIncrement, 4, Integer.MAX_VALUE));
            List<String> drained = rows(console, "DRAIN SHARD sh3 BATCH SIZE 3000");
            Thread.sleep(300);
            List<Long> inserted = workload.end(50);

            // Key ranges round-robin over sh1, sh2; reference duties to the other shards.
            assertThat(drained).extracting(row -> row.replaceAll("\\|[^|]*\\|[0-9]+$", ""))
                    .containsExactly("key range|kr3|sh1", "key range|kr4|sh2",
                            "reference relation|public.regions|sh2", "reference relation|public.tags|sh1");
            assertThat(rows(console, "SHOW key_ranges")).containsExactly(
                    "kr1|sh1|ds1|0|false", "kr2|sh2|ds1|10000|false", "kr3|sh1|ds1|20000|false", "kr4|sh2|ds1|30000|false");

            // Nothing is left on sh3; every row is on sh1 or sh2 once.
            assertThat(cluster.content(2, "orders", "true")).isEqualTo("0|0");
            try (Connection shard3 = cluster.shard(2)) {
                assertThat(value(shard3, "SELECT to_regclass('tags') IS NULL")).isEqualTo("t");
            }
            long[] all = LongStream.concat(LongStream.of(initial), inserted.stream().mapToLong(Long::longValue)).toArray();
            assertThat(sum(cluster.content(0, "orders", "true"), cluster.content(1, "orders", "true")))
                    .isEqualTo(cluster.expectedContent(ORDER_ROWS, all));
            assertThat(cluster.content(0, "tags", "true")).isEqualTo(tagsBefore);

            execute(console, "DROP SHARD sh3");
            assertThat(rows(console, "SHOW shards")).noneMatch(row -> row.startsWith("sh3|"));
        }
        cluster.awaitRouterSynced();
        try (Connection client = cluster.client()) {
            assertThat(value(client, "SELECT count(*) FROM tags")).isEqualTo("700");
            assertThat(value(client, "SELECT count(*) FROM regions")).isEqualTo("50");
            assertThat(value(client, "SELECT note FROM orders WHERE id = 25000")).isEqualTo("n25000");
        }
    }

    /** {@code count|checksum} of two shards together. */
    private static String sum(String a, String b) {
        String[] x = a.split("\\|");
        String[] y = b.split("\\|");
        return (Long.parseLong(x[0]) + Long.parseLong(y[0])) + "|" + (Long.parseLong(x[1]) + Long.parseLong(y[1]));
    }

}
