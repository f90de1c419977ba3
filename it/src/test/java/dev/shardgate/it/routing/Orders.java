package dev.shardgate.it.routing;

import java.sql.SQLException;
import java.util.StringJoiner;

/**
 * The tables most routing tests use: {@code orders} by {@code id} and {@code items} by
 * {@code order_id}, with key ranges of 1000 keys per shard (see {@code routing/orders_*_shards.sql}).
 *
 * <p>{@link #mirror} gives every shard a copy of the same rows, each marked with the name of the shard
 * holding it: a routed read then names the shard it ran on, and a routed write changes one copy only.
 */
final class Orders {
    static final String SCHEMA = """
            DROP TABLE IF EXISTS orders, items;
            CREATE TABLE orders (id bigint PRIMARY KEY, customer text NOT NULL, amount int NOT NULL DEFAULT 0);
            CREATE TABLE items (order_id bigint NOT NULL, sku text NOT NULL, qty int NOT NULL,
                                PRIMARY KEY (order_id, sku));
            """;

    /** The keys every shard holds a copy of: {@code key(shard)} and {@code key(shard) + 1}. */
    static final int FIRST_KEY = 5;

    private Orders() {
    }

    /** A key of shard {@code sh<index+1>}'s range. */
    static long key(int shardIndex) {
        return shardIndex * 1000L + FIRST_KEY;
    }

    /** A key of that range no shard holds a row for. */
    static long freshKey(int shardIndex) {
        return shardIndex * 1000L + 700;
    }

    static String init(int shards) {
        return "orders_" + shards + "_shards.sql";
    }

    /**
     * Empties both tables on every shard, then gives every shard the orders {@code key(s)} and
     * {@code key(s) + 1} of every shard s, customer = the holding shard's name, amount 0, and items
     * a (qty 1) and b (qty 2) of each.
     */
    static void mirror(RoutedShards cluster) throws SQLException {
        StringJoiner keys = new StringJoiner(",");
        for (int s = 0; s < cluster.shardCount(); s++) {
            keys.add(Long.toString(key(s))).add(Long.toString(key(s) + 1));
        }
        cluster.endAbandonedTransactions();
        for (String shard : cluster.shardNames()) {
            cluster.on(shard, "TRUNCATE orders, items;"
                    + "INSERT INTO orders (id, customer) SELECT k, '" + shard + "' FROM unnest(ARRAY[" + keys + "]) k;"
                    + "INSERT INTO items SELECT k, sku, qty FROM unnest(ARRAY[" + keys + "]) k,"
                    + " (VALUES ('a', 1), ('b', 2)) v(sku, qty)");
        }
    }
}
