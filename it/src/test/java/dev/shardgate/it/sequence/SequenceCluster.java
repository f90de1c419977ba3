package dev.shardgate.it.sequence;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.Psql;
import dev.shardgate.it.harness.RouterOnShards;
import dev.shardgate.router.config.PoolMode;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Two shards behind a router whose relation {@code orders} is distributed by {@code id}, an AUTO
 * INCREMENT column: ids alternate between sh1 and sh2 every 50 ({@link #shardOf}), so that any 50
 * consecutive ids touch both shards however far earlier tests moved the sequence. The router takes
 * blocks of 10 ids, so that tests cross block boundaries. Each shard has its own {@code orders} table.
 */
final class SequenceCluster implements AutoCloseable {
    static final String USER = "sequences";
    static final int BLOCK_SIZE = 10;
    static final int RANGE_WIDTH = 50;
    private static final int RANGES = 400;

    static final String METADATA = """
            CREATE DISTRIBUTION ds1 COLUMN TYPES integer;
            CREATE DISTRIBUTED RELATION orders (id) AUTO INCREMENT id IN ds1;
            """ + java.util.stream.IntStream.range(0, RANGES).map(i -> RANGES - 1 - i) // highest bound first
            .mapToObj(i -> "CREATE KEY RANGE kr" + i + " FROM " + i * RANGE_WIDTH + " ROUTE TO sh" + (1 + i % 2)
                    + " FOR DISTRIBUTION ds1;\n")
            .collect(java.util.stream.Collectors.joining());

    /** The index of the shard holding an id: 0 for sh1, 1 for sh2. */
    static int shardOf(long id) {
        return (int) (id / RANGE_WIDTH % 2);
    }

    private final RouterOnShards cluster;

    private SequenceCluster(RouterOnShards cluster) {
        this.cluster = cluster;
    }

    static SequenceCluster start(PostgresServers servers, String database) throws SQLException, IOException {
        return new SequenceCluster(RouterOnShards.start(servers, database, USER, PoolMode.TRANSACTION, METADATA,
                config -> config.sequenceBlockSize(BLOCK_SIZE)));
    }

    /** A pgjdbc connection to the router: simple query protocol, or the extended one with server-prepared statements from the first use. */
    Connection connect(boolean simple) throws SQLException {
        return cluster.connect(simple);
    }

    /** psql against the router. */
    Psql psql() {
        return new Psql(LocalPostgres.HOST, cluster.router().port(), USER, null, cluster.database());
    }

    /** psql against the router's admin console. */
    Psql console() {
        return new Psql(LocalPostgres.HOST, cluster.router().consolePort(), USER, null, "shardgate_console");
    }

    Connection shard(int index) {
        return cluster.shard(index);
    }

    /** Each shard gets an empty {@code orders (id bigint PRIMARY KEY, name text)}. */
    void freshTables() throws SQLException {
        for (Connection shard : cluster.shards()) {
            Jdbc.execute(shard, "DROP TABLE IF EXISTS orders");
            Jdbc.execute(shard, "CREATE TABLE orders (id bigint PRIMARY KEY, name text)");
        }
    }

    /** The ids stored on a shard, ascending. */
    List<Long> idsOn(int shard) throws SQLException {
        return Jdbc.column(cluster.shard(shard), "SELECT id FROM orders ORDER BY id").stream().map(Long::parseLong).toList();
    }

    @Override
    public void close() throws SQLException {
        cluster.close();
    }
}
