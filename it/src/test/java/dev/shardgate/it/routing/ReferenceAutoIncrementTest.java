package dev.shardgate.it.routing;

import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static dev.shardgate.it.routing.Sql.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPQR's {@code CREATE REFERENCE TABLE rates AUTO INCREMENT id START 42}: the router fills {@code id}
 * into INSERTs that leave it out, from its sequence, so every shard's copy of the table gets the same
 * ids, through psql and pgjdbc over every protocol.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReferenceAutoIncrementTest {
    private RoutedShards cluster;

    @BeforeAll
    void startRouter(PostgresServers servers) throws SQLException, IOException {
        cluster = RoutedShards.on(servers, "routing_reference_sequence").schema(Orders.SCHEMA + """
                DROP TABLE IF EXISTS rates;
                CREATE TABLE rates (id bigint, name text NOT NULL);
                """).initSql(Orders.init(2)).start();
        cluster.console("CREATE REFERENCE TABLE rates AUTO INCREMENT id START 42");
    }

    @AfterAll
    void stopRouter() {
        cluster.close();
    }

    @BeforeEach
    void emptyTable() throws SQLException {
        cluster.endAbandonedTransactions();
        cluster.onEveryShard("TRUNCATE rates");
    }

    @Test
    void everyCopyGetsTheSameFilledIds() throws SQLException {
        ProcessResult run = cluster.psql().script("""
                INSERT INTO rates (name) VALUES ('a'), ('b') RETURNING id;
                INSERT INTO rates (id, name) VALUES (7, 'given');
                INSERT INTO rates (name) VALUES ('c');
                """);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo("42\n43\nINSERT 0 2\nINSERT 0 1\nINSERT 0 1\n");
        assertThat(cluster.onEachShard("SELECT string_agg(id || ':' || name, ',' ORDER BY name) FROM rates"))
                .isEqualTo(cluster.everywhere("42:a,43:b,44:c,7:given"));
    }

    @Test
    void everyExecutionOfAPreparedInsertGetsNewIdsOnEveryCopy() throws SQLException {
        List<String> names = new ArrayList<>();
        for (Protocol protocol : Protocol.values()) {
            try (Connection router = cluster.connect(protocol);
                 PreparedStatement insert = router.prepareStatement("INSERT INTO rates (name) VALUES (?) RETURNING id")) {
                for (int i = 0; i < 3; i++) {
                    String name = protocol.name().toLowerCase() + i;
                    insert.setString(1, name);
                    try (ResultSet rows = insert.executeQuery()) {
                        assertThat(rows.next()).isTrue();
                        assertThat(rows.getLong(1)).as(name).isGreaterThanOrEqualTo(42);
                    }
                    names.add(name);
                }
            }
        }
        var copies = cluster.onEachShard("SELECT string_agg(id || ':' || name, ',' ORDER BY id) FROM rates");
        assertThat(copies.values()).as("every copy the same").containsOnly(copies.get("sh1"));
        assertThat(cluster.on("sh1", "SELECT count(DISTINCT id) || '/' || count(*) FROM rates"))
                .isEqualTo(names.size() + "/" + names.size());
    }

    @Test
    void insertsTheRouterCannotFillAreRefusedNamingTheColumn() throws SQLException {
        try (Connection router = cluster.connect(Protocol.SIMPLE)) {
            SQLException fromSelect = error(router, "INSERT INTO rates (name) SELECT 'x'");
            assertThat(fromSelect.getSQLState()).isEqualTo("0A000");
            assertThat(fromSelect.getMessage()).contains("\"id\"").contains("rates");
            SQLException copy = error(router, "COPY rates (name) FROM STDIN");
            assertThat(copy.getSQLState()).isEqualTo("0A000");
            assertThat(copy.getMessage()).contains("\"id\"");
        }
        assertThat(cluster.onEachShard("SELECT count(*) FROM rates")).isEqualTo(cluster.everywhere("0"));
    }

    @Test
    void theSequenceIsListedWithItsReferenceRelation() {
        ProcessResult run = cluster.consolePsql().script("SHOW sequences;");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("rates_id|rates|id|");
    }
}
