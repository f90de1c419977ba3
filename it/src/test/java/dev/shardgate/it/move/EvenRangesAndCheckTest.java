package dev.shardgate.it.move;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.meta.HashFunction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.shardgate.it.move.MoveCluster.execute;
import static dev.shardgate.it.move.MoveCluster.rows;
import static dev.shardgate.it.move.MoveCluster.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Four even key ranges over the murmur hash space, round-robin over two shards, made by one
 * CREATE KEY RANGES: the router puts each key on the shard of the quarter holding its hash, and
 * CHECK DISTRIBUTION finds exactly the rows planted on the wrong shard behind the router's back,
 * changing nothing.
 */
@RealPostgres(servers = 2)
class EvenRangesAndCheckTest {
    private static final long QUARTER = 1L << 30;
    private MoveCluster cluster;

    @BeforeEach
    void start(PostgresServers servers) throws Exception {
        cluster = MoveCluster.start(servers, "even_ranges");
        for (int i = 0; i < 2; i++) {
            cluster.onShard(i, "CREATE TABLE accounts (id bigint PRIMARY KEY, balance int NOT NULL)");
        }
        cluster.createShards();
        try (Connection console = cluster.console()) {
            execute(console, "CREATE DISTRIBUTION dh COLUMN TYPES integer hash");
            execute(console, "ALTER DISTRIBUTION dh ATTACH RELATION accounts DISTRIBUTION KEY id HASH FUNCTION murmur");
            execute(console, "CREATE KEY RANGES 4 FOR DISTRIBUTION dh ROUTE TO sh1, sh2");
            assertThat(rows(console, "SHOW key_ranges")).containsExactly("kr1|sh1|dh|0|false",
                    "kr2|sh2|dh|1073741824|false", "kr3|sh1|dh|2147483648|false", "kr4|sh2|dh|3221225472|false");
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
    void keysLandOnTheShardOfTheirHashQuarterAndPlantedRowsAreFound() throws Exception {
        try (Connection client = cluster.client();
                PreparedStatement insert = client.prepareStatement("INSERT INTO accounts (id, balance) VALUES (?, 1)")) {
            for (long id = -500; id < 500; id++) {
                insert.setLong(1, id);
                insert.executeUpdate();
            }
        }
        for (int shard = 0; shard < 2; shard++) {
            int index = shard;
            long[] expected = LongStream.range(-500, 500).filter(id -> shardOf(id) == index).sorted().toArray();
            try (Connection connection = cluster.shard(shard)) {
                assertThat(rows(connection, "SELECT id FROM accounts ORDER BY id")).as("sh%d", shard + 1)
                        .containsExactlyElementsOf(LongStream.of(expected).mapToObj(Long::toString).toList());
            }
        }
        try (Connection console = cluster.console()) {
            assertThat(rows(console, "CHECK DISTRIBUTION dh")).containsExactlyInAnyOrder(
                    "public.accounts|sh1|" + count(0) + "|0", "public.accounts|sh2|" + count(1) + "|0");

            // Three rows of sh2's quarters written straight to sh1, two of sh1's to sh2.
            long[] wrongOnSh1 = LongStream.range(1000, 100_000).filter(id -> shardOf(id) == 1).limit(3).toArray();
            long[] wrongOnSh2 = LongStream.range(1000, 100_000).filter(id -> shardOf(id) == 0).limit(2).toArray();
            cluster.onShard(0, "INSERT INTO accounts SELECT unnest(ARRAY" + java.util.Arrays.toString(wrongOnSh1) + "::bigint[]), 9");
            cluster.onShard(1, "INSERT INTO accounts SELECT unnest(ARRAY" + java.util.Arrays.toString(wrongOnSh2) + "::bigint[]), 9");
            String sh1Before = cluster.content(0, "accounts", "true");
            String sh2Before = cluster.content(1, "accounts", "true");

            assertThat(rows(console, "CHECK DISTRIBUTION dh")).containsExactlyInAnyOrder(
                    "public.accounts|sh1|" + (count(0) + 3) + "|3", "public.accounts|sh2|" + (count(1) + 2) + "|2");
            assertThat(cluster.content(0, "accounts", "true")).isEqualTo(sh1Before);
            assertThat(cluster.content(1, "accounts", "true")).isEqualTo(sh2Before);
            assertThat(rows(console, "SHOW key_ranges")).hasSize(4);

            try {
                rows(console, "CHECK DISTRIBUTION nope");
                throw new AssertionError("CHECK DISTRIBUTION of a missing distribution succeeded");
            } catch (java.sql.SQLException e) {
                assertThat(e.getSQLState() + " " + e.getMessage()).contains("42704").contains("distribution \"nope\" does not exist");
            }
        }
        try (Connection client = cluster.client()) {
            assertThat(value(client, "SELECT count(*) FROM accounts WHERE id = 42")).isEqualTo("1");
        }
    }

    /** 0 for sh1, 1 for sh2: quarter i of the hash space is on shard i mod 2. */
    private static int shardOf(long id) {
        return (int) (HashFunction.MURMUR.hashInteger(id) / QUARTER) % 2;
    }

    private static long count(int shard) {
        return LongStream.range(-500, 500).filter(id -> shardOf(id) == shard).count();
    }
}
