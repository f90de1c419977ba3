package dev.shardgate.it.move;

import dev.shardgate.coordinator.move.ShardHash;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.HashFunction;
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

/**
 * REDISTRIBUTE of a hashed key range (the lower half of the murmur hash space) while clients
 * update, read and insert keys of both halves through the router: each half's count and checksum
 * are the same before and after, and every row on a shard has a hash inside the shard's ranges.
 * A second relation of the distribution hashes its key with city, and moves by that hash.
 */
@RealPostgres(servers = 2)
class HashedMoveOnlineTest {
    private static final int ROWS = 40_000;
    private static final long HALF = 1L << 31;
    private static final String ORDER_ROWS = "SELECT id, 'n' || id AS note FROM unnest(?::bigint[]) id";
    private static final String MURMUR = ShardHash.keyExpression("id", ColumnType.INTEGER_HASH, HashFunction.MURMUR);
    private static final String CITY = ShardHash.keyExpression("order_id", ColumnType.INTEGER_HASH, HashFunction.CITY);

    private MoveCluster cluster;

    @BeforeEach
    void start(PostgresServers servers) throws Exception {
        cluster = MoveCluster.start(servers, "move_hashed");
        cluster.onShard(0, """
                CREATE TABLE orders (id bigint PRIMARY KEY, note text NOT NULL);
                CREATE TABLE order_items (order_id bigint, line int, qty int NOT NULL, PRIMARY KEY (order_id, line));
                INSERT INTO orders SELECT g, 'n' || g FROM generate_series(-%d, %d) g;
                INSERT INTO order_items SELECT g, 1, g %% 7 FROM generate_series(0, 4999) g;
                ANALYZE orders, order_items;""".formatted(ROWS / 2, ROWS / 2 - 1));
        cluster.createShards();
        try (Connection console = cluster.console()) {
            execute(console, "CREATE DISTRIBUTION dh COLUMN TYPES integer hash");
            execute(console, "ALTER DISTRIBUTION dh ATTACH RELATION orders DISTRIBUTION KEY id HASH FUNCTION murmur");
            execute(console, "ALTER DISTRIBUTION dh ATTACH RELATION order_items DISTRIBUTION KEY order_id HASH FUNCTION city");
            execute(console, "CREATE KEY RANGE kh1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION dh");
            execute(console, "CREATE KEY RANGE kh2 FROM " + HALF + " ROUTE TO sh1 FOR DISTRIBUTION dh");
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
    void movesTheLowerHalfOfTheHashSpaceWhileClientsWrite() throws Exception {
        long[] initial = LongStream.range(-ROWS / 2, ROWS / 2).toArray();
        assertThat(cluster.content(0, "orders", MURMUR + " < " + HALF)).isEqualTo(expected(initial, true));
        assertThat(cluster.content(0, "orders", MURMUR + " >= " + HALF)).isEqualTo(expected(initial, false));
        String itemsLow = cluster.content(0, "order_items", CITY + " < " + HALF);
        String itemsHigh = cluster.content(0, "order_items", CITY + " >= " + HALF);
        assertThat(itemsLow).isNotEqualTo("0|0");

        try (Connection console = cluster.console()) {
            AtomicLong next = new AtomicLong(ROWS);
            OrderWorkload workload = new OrderWorkload(cluster, new OrderWorkload.Keys(
                    () -> ThreadLocalRandom.current().nextInt(ROWS) - ROWS / 2, next::getAndIncrement, 4, Integer.MAX_VALUE));
            List<String> moved = rows(console, "REDISTRIBUTE KEY RANGE kh1 TO sh2 BATCH SIZE 4000");
            Thread.sleep(500);
            List<Long> inserted = workload.end(100);

            String[] result = moved.getFirst().split("\\|");
            assertThat(result[1]).isEqualTo("kh1");
            assertThat(Integer.parseInt(result[3])).isGreaterThanOrEqualTo(ROWS / 2 / 4000);

            long[] all = LongStream.concat(LongStream.of(initial), inserted.stream().mapToLong(Long::longValue)).toArray();
            // Each half holds the same rows as before (plus the inserted ones), on its own shard only.
            assertThat(cluster.content(1, "orders", "true")).isEqualTo(expected(all, true));
            assertThat(cluster.content(0, "orders", "true")).isEqualTo(expected(all, false));
            assertThat(cluster.content(1, "orders", MURMUR + " >= " + HALF)).isEqualTo("0|0");
            assertThat(cluster.content(1, "order_items", "true")).isEqualTo(itemsLow);
            assertThat(cluster.content(0, "order_items", "true")).isEqualTo(itemsHigh);

            assertThat(rows(console, "SHOW task_group")).isEmpty();
            assertThat(rows(console, "SHOW key_ranges")).containsExactly("kh1|sh2|dh|0|false", "kh2|sh1|dh|" + HALF + "|false");
        }
        cluster.awaitRouterSynced();
        try (Connection client = cluster.client()) {
            for (long id : new long[] {-ROWS / 2, -1, 0, 1, 12_345, ROWS / 2 - 1}) {
                assertThat(value(client, "SELECT note FROM orders WHERE id = " + id)).as("id %d", id).isEqualTo("n" + id);
            }
        }
    }

    /** {@code count|checksum} of the rows of {@code ids} whose murmur hash is in the lower (or upper) half. */
    private String expected(long[] ids, boolean lower) throws SQLException {
        return cluster.expectedContent(ORDER_ROWS, LongStream.of(ids)
                .filter(id -> HashFunction.MURMUR.hashInteger(id) < HALF == lower).toArray());
    }

}
