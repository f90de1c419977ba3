package dev.shardgate.it.sequence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.cli.postgres.ProcessResult;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * INSERTs into a relation distributed by an AUTO INCREMENT column, through the router with psql and
 * pgjdbc: the router fills the ids, the rows land on the shards their ids name, and no id repeats.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AutoIncrementInsertTest {
    private SequenceCluster cluster;

    @BeforeAll
    void start(PostgresServers servers) throws SQLException, IOException {
        cluster = SequenceCluster.start(servers, "sequences");
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        cluster.freshTables();
    }

    /** Every id is stored once, on the shard its key range names. */
    private List<Long> assertPlacedByIdAndDistinct() throws SQLException {
        List<Long> first = cluster.idsOn(0);
        List<Long> second = cluster.idsOn(1);
        assertThat(first).allSatisfy(id -> assertThat(SequenceCluster.shardOf(id)).as("shard of %d", id).isZero());
        assertThat(second).allSatisfy(id -> assertThat(SequenceCluster.shardOf(id)).as("shard of %d", id).isOne());
        List<Long> all = new ArrayList<>(first);
        all.addAll(second);
        assertThat(all).doesNotHaveDuplicates();
        return all;
    }

    private static List<Long> ids(String psqlOutput) {
        return psqlOutput.lines().filter(line -> !line.isBlank() && !line.startsWith("INSERT"))
                .map(Long::parseLong).toList();
    }

    @Test
    void psqlMultiRowInsertSpreadsItsRowsOverBothShardsByTheFilledIds() throws SQLException {
        String rows = IntStream.rangeClosed(1, 120).mapToObj(i -> "('row " + i + "')").collect(Collectors.joining(", "));
        ProcessResult result = cluster.psql().command("INSERT INTO orders (name) VALUES " + rows + " RETURNING id");

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        List<Long> returned = ids(result.stdout());
        assertThat(returned).hasSize(120).doesNotHaveDuplicates();
        List<Long> stored = assertPlacedByIdAndDistinct();
        assertThat(stored).containsExactlyInAnyOrderElementsOf(returned);
        assertThat(cluster.idsOn(0)).isNotEmpty();
        assertThat(cluster.idsOn(1)).isNotEmpty();
        // one statement takes one run of the sequence: its rows' ids are consecutive
        assertThat(returned.stream().sorted().toList()).isEqualTo(
                IntStream.range(0, 120).mapToObj(i -> returned.stream().min(Long::compare).orElseThrow() + i).toList());
    }

    @Test
    void psqlSingleRowInsertsEachGetTheNextIdAndReturnIt() throws SQLException {
        String script = IntStream.rangeClosed(1, 70)
                .mapToObj(i -> "INSERT INTO orders (name) VALUES ('n" + i + "') RETURNING id;")
                .collect(Collectors.joining("\n"));
        ProcessResult result = cluster.psql().script(script);

        assertThat(result.exitCode()).as(result.stderr()).isZero();
        List<Long> returned = ids(result.stdout());
        assertThat(returned).hasSize(70).doesNotHaveDuplicates().isSorted();
        assertThat(assertPlacedByIdAndDistinct()).containsExactlyInAnyOrderElementsOf(returned);
        assertThat(Jdbc.column(cluster.shard(SequenceCluster.shardOf(returned.getFirst())),
                "SELECT name FROM orders WHERE id = " + returned.getFirst())).containsExactly("n1");
        assertThat(cluster.idsOn(0)).isNotEmpty();
        assertThat(cluster.idsOn(1)).isNotEmpty();
    }

    @Test
    void pgjdbcPreparedInsertExecutedManyTimesGetsAFreshIdEachTime() throws SQLException {
        List<Long> returned = new ArrayList<>();
        try (Connection router = cluster.connect(false);
             PreparedStatement insert = router.prepareStatement("INSERT INTO orders (name) VALUES (?) RETURNING id")) {
            for (int i = 0; i < 80; i++) {
                insert.setString(1, "p" + i);
                try (ResultSet rows = insert.executeQuery()) {
                    assertThat(rows.next()).isTrue();
                    returned.add(rows.getLong(1));
                }
            }
        }
        assertThat(returned).doesNotHaveDuplicates().isSorted();
        assertThat(assertPlacedByIdAndDistinct()).containsExactlyInAnyOrderElementsOf(returned);
        assertThat(cluster.idsOn(0)).isNotEmpty();
        assertThat(cluster.idsOn(1)).isNotEmpty();
    }

    @Test
    void aDescribedStatementShowsTheClientItsOwnParametersOnly() throws SQLException {
        try (Connection router = cluster.connect(false);
             PreparedStatement insert = router.prepareStatement("INSERT INTO orders (name) VALUES (?) RETURNING id")) {
            // asked before any execution: pgjdbc sends Describe for the statement and reads its ParameterDescription
            assertThat(insert.getParameterMetaData().getParameterCount()).isEqualTo(1);
            assertThat(insert.getParameterMetaData().getParameterTypeName(1)).isEqualTo("text");
            // a parameter of unknown type makes pgjdbc describe the statement before binding it, too
            insert.setObject(1, "u", java.sql.Types.OTHER);
            try (ResultSet rows = insert.executeQuery()) {
                assertThat(rows.next()).isTrue();
                assertThat(assertPlacedByIdAndDistinct()).containsExactly(rows.getLong(1));
            }
        }
    }

    @Test
    void pgjdbcGeneratedKeysAreTheFilledIds() throws SQLException {
        try (Connection router = cluster.connect(false);
             PreparedStatement insert = router.prepareStatement("INSERT INTO orders (name) VALUES (?)", new String[] {"id"})) {
            insert.setString(1, "k");
            assertThat(insert.executeUpdate()).isEqualTo(1);
            try (ResultSet keys = insert.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
                long id = keys.getLong("id");
                assertThat(assertPlacedByIdAndDistinct()).containsExactly(id);
            }
        }
    }

    @Test
    void pgjdbcMultiRowPreparedInsertAcrossShardsFillsEveryRow() throws SQLException {
        String placeholders = IntStream.range(0, 60).mapToObj(i -> "(?)").collect(Collectors.joining(", "));
        List<Long> returned = new ArrayList<>();
        try (Connection router = cluster.connect(false);
             PreparedStatement insert = router.prepareStatement("INSERT INTO orders (name) VALUES " + placeholders + " RETURNING id")) {
            for (int round = 0; round < 2; round++) {
                for (int i = 1; i <= 60; i++) {
                    insert.setString(i, "m" + round + "_" + i);
                }
                try (ResultSet rows = insert.executeQuery()) {
                    while (rows.next()) {
                        returned.add(rows.getLong(1));
                    }
                }
            }
        }
        assertThat(returned).hasSize(120).doesNotHaveDuplicates();
        assertThat(assertPlacedByIdAndDistinct()).containsExactlyInAnyOrderElementsOf(returned);
        assertThat(cluster.idsOn(0)).isNotEmpty();
        assertThat(cluster.idsOn(1)).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void anIdTheClientGivesIsKept(boolean simple) throws SQLException {
        try (Connection router = cluster.connect(simple);
             PreparedStatement insert = router.prepareStatement("INSERT INTO orders (id, name) VALUES (?, ?)")) {
            insert.setLong(1, 7_050);
            insert.setString(2, "mine");
            assertThat(insert.executeUpdate()).isEqualTo(1);
        }
        assertThat(cluster.idsOn(1)).containsExactly(7_050L);
        assertThat(cluster.idsOn(0)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void insertFormsTheRouterCannotFillAreRefusedWithZeroAZeroZeroZero(boolean simple) throws SQLException {
        try (Connection router = cluster.connect(simple)) {
            for (String sql : List.of("INSERT INTO orders VALUES (1, 'a')", "INSERT INTO orders (name) SELECT 'b'",
                    "INSERT INTO orders DEFAULT VALUES")) {
                SQLException error = catchThrowableOfType(SQLException.class, () -> Jdbc.execute(router, sql));
                assertThat((Throwable) error).as(sql).isNotNull();
                assertThat(error.getSQLState()).as(sql).isEqualTo("0A000");
                assertThat(error.getMessage()).as(sql)
                        .contains("auto-increment column \"id\" of relation \"public.orders\"");
            }
            assertThat(Jdbc.column(router, "SELECT 1")).containsExactly("1"); // the session goes on
        }
        assertThat(cluster.idsOn(0)).isEmpty();
        assertThat(cluster.idsOn(1)).isEmpty();
    }

    @Test
    void copyLeavingOutTheIdIsRefusedAndCopyGivingItRuns() throws SQLException {
        ProcessResult refused = cluster.psql().script("COPY orders (name) FROM STDIN;\nno id\n\\.\n");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stderr()).contains("auto-increment column \"id\" of relation \"public.orders\"")
                .contains("not in COPY");

        ProcessResult copied = cluster.psql().script("COPY orders (id, name) FROM STDIN;\n3\tthree\n77\tseventy-seven\n\\.\n");
        assertThat(copied.exitCode()).as(copied.stderr()).isZero();
        assertThat(cluster.idsOn(0)).containsExactly(3L);
        assertThat(cluster.idsOn(1)).containsExactly(77L);
    }

    @Test
    void concurrentClientsNeverGetTheSameId() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<List<Long>>> clients = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                boolean simple = c % 2 == 0;
                clients.add(pool.submit(() -> {
                    List<Long> ids = new ArrayList<>();
                    try (Connection router = cluster.connect(simple);
                         PreparedStatement insert = router.prepareStatement("INSERT INTO orders (name) VALUES (?) RETURNING id")) {
                        for (int i = 0; i < 25; i++) {
                            insert.setString(1, "c");
                            try (ResultSet rows = insert.executeQuery()) {
                                rows.next();
                                ids.add(rows.getLong(1));
                            }
                        }
                    }
                    return ids;
                }));
            }
            List<Long> returned = new ArrayList<>();
            for (Future<List<Long>> client : clients) {
                returned.addAll(client.get());
            }
            assertThat(returned).hasSize(150).doesNotHaveDuplicates();
            assertThat(assertPlacedByIdAndDistinct()).containsExactlyInAnyOrderElementsOf(returned);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void showSequencesOnTheConsoleTellsTheNextIdNoRouterHolds() throws SQLException {
        ProcessResult insert = cluster.psql().command("INSERT INTO orders (name) VALUES ('s') RETURNING id");
        assertThat(insert.exitCode()).as(insert.stderr()).isZero();
        long id = ids(insert.stdout()).getFirst();

        ProcessResult show = cluster.console().command("SHOW sequences");

        assertThat(show.exitCode()).as(show.stderr()).isZero();
        long next = Long.parseLong(show.stdout().strip().split("\\|")[3]);
        assertThat(show.stdout().strip()).startsWith("orders_id|orders|id|");
        // the router holds the rest of its block: the next value lies beyond it
        assertThat(next).isGreaterThan(id);
    }
}
