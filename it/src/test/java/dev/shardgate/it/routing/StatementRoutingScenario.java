package dev.shardgate.it.routing;

import dev.shardgate.it.harness.PostgresServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import static dev.shardgate.it.routing.Orders.freshKey;
import static dev.shardgate.it.routing.Orders.key;
import static dev.shardgate.it.routing.Sql.error;
import static dev.shardgate.it.routing.Sql.execute;
import static dev.shardgate.it.routing.Sql.query;
import static dev.shardgate.it.routing.Sql.update;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every statement form the analyser routes by key, under each client protocol, for a key of every
 * shard; each check reads the shards directly. Subclasses choose the number of shards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class StatementRoutingScenario {
    RoutedShards cluster;

    @BeforeAll
    void startRouter(PostgresServers servers) throws SQLException, IOException {
        cluster = RoutedShards.on(servers, getClass().getSimpleName().toLowerCase(Locale.ROOT))
                .schema(Orders.SCHEMA)
                .initSql(Orders.init(servers.size()))
                .start();
    }

    @AfterAll
    void stopRouter() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void mirrorRows() throws SQLException {
        Orders.mirror(cluster);
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void singleRowInsertLandsOnTheKeysShardOnly(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            for (int s = 0; s < cluster.shardCount(); s++) {
                long k = freshKey(s);
                execute(router, "INSERT INTO orders (id, customer, amount) VALUES (" + k + ", 'literal', 1)");
                update(router, "INSERT INTO orders (id, customer, amount) VALUES (?, 'long', 1)", k + 1);
                update(router, "INSERT INTO orders (id, customer, amount) VALUES (?, 'int', 1)", (int) (k + 2));
                execute(router, "INSERT INTO orders (id, customer) VALUES ('" + (k + 3) + "'::bigint, 'cast')");
                execute(router, "INSERT INTO items (order_id, sku, qty) VALUES (" + k + ", 'z', 9)");
                assertThat(cluster.onEachShard("SELECT count(*) FROM orders WHERE id BETWEEN " + k + " AND " + (k + 3)))
                        .as("orders %d..%d", k, k + 3)
                        .isEqualTo(cluster.only(RoutedShards.shardName(s), "4", "0"));
                assertThat(cluster.onEachShard("SELECT count(*) FROM items WHERE order_id = " + k))
                        .isEqualTo(cluster.only(RoutedShards.shardName(s), "1", "0"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void multiRowInsertWithinOneRangeLandsOnItsShard(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            for (int s = 0; s < cluster.shardCount(); s++) {
                long k = freshKey(s);
                update(router, "INSERT INTO orders (id, customer) VALUES (" + k + ", 'm'), (" + (k + 1) + ", 'm'), (?, 'm')",
                        k + 2);
                assertThat(cluster.onEachShard("SELECT count(*) FROM orders WHERE customer = 'm'"))
                        .isEqualTo(cluster.only(RoutedShards.shardName(s), "3", "0"));
                cluster.onEveryShard("DELETE FROM orders WHERE customer = 'm'");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void readsByKeyRunOnTheKeysShard(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            for (int s = 0; s < cluster.shardCount(); s++) {
                String owner = RoutedShards.shardName(s);
                long k = key(s);
                assertThat(query(router, "SELECT customer FROM orders WHERE id = " + k)).isEqualTo(owner);
                assertThat(query(router, "SELECT customer FROM orders WHERE id = ?", (int) k)).as("setInt").isEqualTo(owner);
                assertThat(query(router, "SELECT customer FROM orders WHERE id = ?", k)).as("setLong").isEqualTo(owner);
                assertThat(query(router, "SELECT customer FROM orders WHERE id = '" + k + "'::bigint")).isEqualTo(owner);
                assertThat(query(router, "SELECT customer FROM orders WHERE id = CAST(? AS bigint)", k)).isEqualTo(owner);
                assertThat(query(router, "SELECT customer FROM orders WHERE " + k + " = id")).isEqualTo(owner);
                assertThat(query(router, "SELECT customer FROM orders WHERE id IN (" + k + ", " + (k + 1) + ") ORDER BY id"))
                        .isEqualTo(owner + "\n" + owner);
                assertThat(query(router, "SELECT customer FROM orders WHERE id IN (?, ?) ORDER BY id", k, k + 1))
                        .isEqualTo(owner + "\n" + owner);
                assertThat(query(router, "SELECT o.customer, i.sku FROM orders o JOIN items i ON i.order_id = o.id"
                        + " WHERE o.id = ? ORDER BY i.sku", k)).as("join, key on orders").isEqualTo(owner + "|a\n" + owner + "|b");
                assertThat(query(router, "SELECT o.customer, i.sku FROM orders o, items i WHERE o.id = i.order_id"
                        + " AND i.order_id = " + k + " ORDER BY i.sku")).as("join, key on items").isEqualTo(owner + "|a\n" + owner + "|b");
                assertThat(query(router, "SELECT o.customer FROM orders o JOIN items i ON o.id = i.order_id"
                        + " WHERE i.order_id = ? AND i.sku = 'a'", k)).as("join, parameter on items").isEqualTo(owner);
                assertThat(query(router, "WITH o AS (SELECT * FROM orders WHERE id = ?) SELECT customer FROM o", k))
                        .as("CTE").isEqualTo(owner);
                assertThat(query(router, "SELECT customer FROM orders WHERE id = (SELECT i.order_id FROM items i"
                        + " WHERE i.order_id = " + k + " AND i.sku = 'a') AND id = " + k)).as("subquery, qualified columns").isEqualTo(owner);
                assertThat(query(router, "SELECT inet_server_port() FROM orders WHERE id = ?", k))
                        .isEqualTo(Integer.toString(cluster.serverPort(owner)));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void updatesByKeyChangeTheKeysShardOnly(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            for (int s = 0; s < cluster.shardCount(); s++) {
                String owner = RoutedShards.shardName(s);
                long k = key(s);
                execute(router, "UPDATE orders SET amount = amount + 1 WHERE id = " + k);
                update(router, "UPDATE orders SET amount = amount + 1 WHERE id = ?", (int) k);
                update(router, "UPDATE orders SET amount = amount + 1 WHERE id = ?", k);
                execute(router, "UPDATE orders SET amount = amount + 1 WHERE id = '" + k + "'::bigint");
                update(router, "UPDATE orders SET amount = amount + 1 WHERE id IN (?, ?)", k, k + 1);
                update(router, "UPDATE items SET qty = qty + 10 FROM orders o WHERE o.id = items.order_id AND o.id = ?", k);
                assertThat(cluster.onEachShard("SELECT amount FROM orders WHERE id = " + k))
                        .isEqualTo(cluster.only(owner, "5", "0"));
                assertThat(cluster.onEachShard("SELECT amount FROM orders WHERE id = " + (k + 1)))
                        .isEqualTo(cluster.only(owner, "1", "0"));
                assertThat(cluster.onEachShard("SELECT string_agg(qty::text, ',' ORDER BY sku) FROM items WHERE order_id = " + k))
                        .as("UPDATE … FROM joined through the key").isEqualTo(cluster.only(owner, "11,12", "1,2"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void deletesByKeyRemoveTheKeysShardsRowsOnly(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            for (int s = 0; s < cluster.shardCount(); s++) {
                String owner = RoutedShards.shardName(s);
                long k = key(s);
                assertThat(update(router, "DELETE FROM items WHERE order_id = ? AND sku = 'a'", k)).isEqualTo(1);
                assertThat(update(router, "DELETE FROM orders WHERE id IN (?, ?)", k, k + 1)).isEqualTo(2);
                assertThat(cluster.onEachShard("SELECT count(*) FROM orders WHERE id IN (" + k + ", " + (k + 1) + ")"))
                        .isEqualTo(cluster.only(owner, "0", "2"));
                assertThat(cluster.onEachShard("SELECT string_agg(sku, ',' ORDER BY sku) FROM items WHERE order_id = " + k))
                        .isEqualTo(cluster.only(owner, "b", "a,b"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void returningClausesAnswerFromTheKeysShard(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            for (int s = 0; s < cluster.shardCount(); s++) {
                String owner = RoutedShards.shardName(s);
                String port = Integer.toString(cluster.serverPort(owner));
                long k = key(s);
                long fresh = freshKey(s);
                assertThat(query(router, "INSERT INTO orders (id, customer) VALUES (?, 'r') RETURNING id, inet_server_port()", fresh))
                        .isEqualTo(fresh + "|" + port);
                assertThat(query(router, "UPDATE orders SET amount = 7 WHERE id = ? RETURNING customer, amount", k))
                        .isEqualTo(owner + "|7");
                assertThat(query(router, "DELETE FROM orders WHERE id = " + (k + 1) + " RETURNING customer")).isEqualTo(owner);
                assertThat(query(router, "WITH u AS (UPDATE orders SET amount = amount + 1 WHERE id = ? RETURNING id)"
                        + " SELECT count(*) FROM u", k)).as("data-modifying CTE").isEqualTo("1");
                assertThat(cluster.onEachShard("SELECT count(*) FROM orders WHERE id = " + fresh))
                        .isEqualTo(cluster.only(owner, "1", "0"));
                assertThat(cluster.onEachShard("SELECT amount FROM orders WHERE id = " + k)).isEqualTo(cluster.only(owner, "8", "0"));
                assertThat(cluster.onEachShard("SELECT count(*) FROM orders WHERE id = " + (k + 1)))
                        .isEqualTo(cluster.only(owner, "0", "1"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void insertOnConflictRunsOnTheKeysShard(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            for (int s = 0; s < cluster.shardCount(); s++) {
                String owner = RoutedShards.shardName(s);
                long k = key(s);
                String upsert = "INSERT INTO orders (id, customer, amount) VALUES (?, 'dup', 5)"
                        + " ON CONFLICT (id) DO UPDATE SET amount = orders.amount + excluded.amount";
                update(router, upsert, k);
                update(router, upsert, k);
                execute(router, "INSERT INTO orders (id, customer) VALUES (" + freshKey(s) + ", 'new') ON CONFLICT DO NOTHING");
                execute(router, "INSERT INTO orders (id, customer) VALUES (" + freshKey(s) + ", 'again') ON CONFLICT DO NOTHING");
                assertThat(cluster.onEachShard("SELECT amount FROM orders WHERE id = " + k))
                        .isEqualTo(cluster.only(owner, "10", "0"));
                assertThat(cluster.onEachShard("SELECT customer FROM orders WHERE id = " + freshKey(s)))
                        .isEqualTo(cluster.only(owner, "new", ""));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void statementsWithoutAKeyAreRefusedNamingTheRelationAndKeyColumn(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            for (String sql : new String[] {
                    "SELECT count(*) FROM orders",
                    "UPDATE orders SET amount = 99",
                    "DELETE FROM orders WHERE customer = 'sh1'",
                    "INSERT INTO orders (customer, amount) VALUES ('nokey', 99)",
                    "SELECT o.customer FROM orders o JOIN items i ON i.order_id = o.id WHERE i.sku = 'a'",
                    "UPDATE orders SET amount = 99 WHERE id > 5"}) {
                SQLException refused = error(router, sql);
                assertThat(refused.getSQLState()).as(sql).isEqualTo("0A000");
                assertThat(refused.getMessage()).as(sql).contains("orders").containsPattern("\\bid\\b");
            }
            SQLException items = error(router, "SELECT o.customer FROM orders o, items i WHERE o.id = 5");
            assertThat(items.getSQLState()).isEqualTo("0A000");
            assertThat(items.getMessage()).as("an unrestricted join partner").contains("items").contains("order_id");
            assertThat(query(router, "SELECT 1")).as("the session goes on").isEqualTo("1");
        }
        assertNothingChanged();
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void joinsAcrossShardsAreFinishedOnOneShard(Protocol protocol) throws SQLException {
        // a join of rows on two shards is finished on one of them from the rows each side pulls
        // (docs/correctness.md): the answer is the one the two single-shard reads make
        int last = cluster.shardCount() - 1;
        long first = key(0);
        long other = key(last);
        try (Connection router = cluster.connect(protocol)) {
            String customer = query(router, "SELECT customer FROM orders WHERE id = ?", first);
            String skus = query(router, "SELECT string_agg(sku, ',' ORDER BY sku) FROM items WHERE order_id = ?", other);
            String expected = customer == null || skus == null ? null
                    : Arrays.stream(skus.split(",")).map(sku -> customer + "/" + sku)
                            .collect(Collectors.joining(","));
            String join = "SELECT string_agg(o.customer || '/' || i.sku, ',' ORDER BY i.sku) FROM orders o, items i"
                    + " WHERE o.id = " + first + " AND i.order_id = " + other;
            assertThat(skus).as("items of order %d", other).isNotNull();
            assertThat(query(router, join)).as(join).isEqualTo(expected);
            assertThat(query(router, "SELECT customer FROM orders WHERE id = ?", other)).isEqualTo(RoutedShards.shardName(last));
        }
        assertNothingChanged();
    }

    /** The mirrored rows are as {@link Orders#mirror} left them, and no other row exists. */
    private void assertNothingChanged() throws SQLException {
        String rows = Integer.toString(2 * cluster.shardCount());
        assertThat(cluster.onEachShard("SELECT count(*) || ':' || sum(amount) || ':' || count(DISTINCT customer) FROM orders"))
                .isEqualTo(cluster.everywhere(rows + ":0:1"));
        assertThat(cluster.onEachShard("SELECT count(*) FROM items")).isEqualTo(cluster.everywhere(Integer.toString(2 * 2 * cluster.shardCount())));
    }
}
