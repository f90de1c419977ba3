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
import static org.assertj.core.api.Assertions.assertThat;

/**
 * REDISTRIBUTE KEY RANGE of 200,000 rows (and the rows of a second relation of the distribution)
 * to a shard without the tables, while clients read, update and insert keys across the range
 * through a router: the clients only ever wait, and every row ends up on the destination once.
 */
@RealPostgres(servers = 2)
class RedistributeOnlineTest {
    private static final int ROWS = 200_000;
    private static final String ORDER_ROWS = "SELECT id, 'n' || id AS note FROM unnest(?::bigint[]) id";

    private MoveCluster cluster;

    @BeforeEach
    void start(PostgresServers servers) throws Exception {
        cluster = MoveCluster.start(servers, "move_online");
        cluster.onShard(0, """
                CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL);
                CREATE TABLE order_items (order_id bigint, line int, qty int NOT NULL, PRIMARY KEY (order_id, line));
                INSERT INTO orders SELECT 2 * g, 'n' || (2 * g) FROM generate_series(0, %d) g;
                INSERT INTO order_items SELECT 2 * g, 1, g %% 7 FROM generate_series(0, 19999) g;
                ANALYZE orders, order_items;""".formatted(ROWS - 1));
        cluster.createShards();
        try (Connection console = cluster.console()) {
            execute(console, "CREATE DISTRIBUTION ds1 COLUMN TYPES integer");
            execute(console, "ALTER DISTRIBUTION ds1 ATTACH RELATION orders DISTRIBUTION KEY id");
            execute(console, "ALTER DISTRIBUTION ds1 ATTACH RELATION order_items DISTRIBUTION KEY order_id");
            execute(console, "CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1");
            execute(console, "CREATE KEY RANGE kr2 FROM 1000000 ROUTE TO sh1 FOR DISTRIBUTION ds1");
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
    void movesTwoHundredThousandRowsWhileClientsWriteAndRead() throws Exception {
        long[] initial = LongStream.range(0, ROWS).map(i -> 2 * i).toArray();
        String itemsBefore = cluster.content(0, "order_items", "true");
        assertThat(cluster.content(0, "orders", "true")).isEqualTo(cluster.expectedContent(ORDER_ROWS, initial));

        try (Connection console = cluster.console()) {
            // CHECK plans and moves nothing.
            assertThat(rows(console, "REDISTRIBUTE KEY RANGE kr1 TO sh2 CHECK")).containsExactly(
                    "public.order_items|20000|missing: created from shard sh1",
                    "public.orders|200000|missing: created from shard sh1");
            assertThat(rows(console, "SHOW task_group")).isEmpty();
            assertThat(cluster.content(1, "orders", "true")).isEqualTo("0|0");

            AtomicLong nextOdd = new AtomicLong(1);
            OrderWorkload workload = new OrderWorkload(cluster, new OrderWorkload.Keys(
                    () -> 2L * ThreadLocalRandom.current().nextInt(ROWS),
                    () -> nextOdd.getAndAdd(2 * 997) % (2L * ROWS), 4, Integer.MAX_VALUE));
            List<String> moved = rows(console, "REDISTRIBUTE KEY RANGE kr1 TO sh2 BATCH SIZE 20000");
            Thread.sleep(500);
            List<Long> inserted = workload.end(100);

            long[] all = LongStream.concat(LongStream.of(initial), inserted.stream().mapToLong(Long::longValue)).toArray();
            assertThat(moved).hasSize(1);
            String[] result = moved.getFirst().split("\\|");
            assertThat(result[1]).isEqualTo("kr1");
            // Rows of both relations; rows inserted into a batch already moved went straight to sh2.
            assertThat(Long.parseLong(result[2])).isBetween(ROWS + 20_000L, all.length + 20_000L);
            assertThat(Integer.parseInt(result[3])).isGreaterThanOrEqualTo(ROWS / 20000);

            // Every row is on the destination once, none is left on the source.
            assertThat(cluster.content(1, "orders", "true")).isEqualTo(cluster.expectedContent(ORDER_ROWS, all));
            assertThat(cluster.content(0, "orders", "id < 1000000")).isEqualTo("0|0");
            assertThat(cluster.content(1, "order_items", "true")).isEqualTo(itemsBefore);
            assertThat(cluster.content(0, "order_items", "true")).isEqualTo("0|0");

            // The group is gone, the range is one unlocked range on the destination.
            assertThat(rows(console, "SHOW task_group")).isEmpty();
            assertThat(rows(console, "SHOW key_ranges")).containsExactly(
                    "kr1|sh2|ds1|0|false", "kr2|sh1|ds1|1000000|false");
        }
    }

}
