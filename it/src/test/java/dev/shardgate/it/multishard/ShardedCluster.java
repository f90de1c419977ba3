package dev.shardgate.it.multishard;

import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RouterOnShards;
import dev.shardgate.router.config.PoolMode;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Two shards behind a router with the default route behaviour (BLOCK): relation {@code orders} is
 * distributed by {@code id} (below 1000 on sh1, the rest on sh2), {@code countries} is a reference
 * relation on every shard. The tables themselves are made by the tests, through the router.
 */
final class ShardedCluster implements AutoCloseable {
    static final String USER = "multishard";

    static final String METADATA = """
            CREATE DISTRIBUTION ds1 COLUMN TYPES integer;
            ALTER DISTRIBUTION ds1 ATTACH RELATION orders DISTRIBUTION KEY id;
            CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh2 FOR DISTRIBUTION ds1;
            CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION ds1;
            CREATE REFERENCE TABLE countries;
            """;

    private final RouterOnShards cluster;

    private ShardedCluster(RouterOnShards cluster) {
        this.cluster = cluster;
    }

    static ShardedCluster start(PostgresServers servers, String database, PoolMode poolMode) throws SQLException, IOException {
        return new ShardedCluster(RouterOnShards.start(servers, database, USER, poolMode, METADATA, UnaryOperator.identity()));
    }

    /** A connection to the router; {@code simple} chooses the simple query protocol, else pgjdbc's extended one. */
    Connection connect(boolean simple) throws SQLException {
        return cluster.connect(simple);
    }

    Connection shard(int index) {
        return cluster.shard(index);
    }

    int shardCount() {
        return cluster.shards().size();
    }

    /** Drops the tests' tables, {@code orders} and {@code countries}, on every shard: each test makes its own. */
    void dropTables() throws SQLException {
        onEveryShard("DROP TABLE IF EXISTS orders, countries");
    }

    /** Runs the statements, in order, directly on every shard (not through the router). */
    void onEveryShard(String... statements) throws SQLException {
        for (int i = 0; i < shardCount(); i++) {
            for (String sql : statements) {
                execute(shard(i), sql);
            }
        }
    }

    static void execute(Connection connection, String sql) throws SQLException {
        Jdbc.execute(connection, sql);
    }

    /** The first column of every row, as text. */
    static List<String> column(Connection connection, String sql) throws SQLException {
        return Jdbc.column(connection, sql);
    }

    static long count(Connection connection, String sql) throws SQLException {
        return Jdbc.number(connection, sql);
    }

    @Override
    public void close() throws SQLException {
        cluster.close();
    }
}
