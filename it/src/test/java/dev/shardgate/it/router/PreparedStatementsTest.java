package dev.shardgate.it.router;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.PoolMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * pgjdbc's server-side prepared statements in TRANSACTION mode with more clients than backends:
 * eight connections over a pool of two, so every client's named statements meet backends that
 * another client prepared, or that never saw them.
 */
@RealPostgres(servers = 2)
@Timeout(120)
class PreparedStatementsTest {
    private static final int CLIENTS = 8;
    private static final int BACKENDS = 2;
    private static final int QUERIES_PER_CLIENT = 200;
    private static final int ITEMS = 1000;

    private static LocalPostgres shard;
    private static Account account;
    private static RunningRouter router;

    @BeforeAll
    static void startRouter(PostgresServers servers) {
        shard = servers.get(0);
        account = Account.create(shard, "rt_prepared");
        shard.psql(account.database(), """
                SET ROLE rt_prepared;
                CREATE TABLE items(id int PRIMARY KEY, name text NOT NULL);
                INSERT INTO items SELECT g, 'item-' || g FROM generate_series(1, %d) g;
                CREATE TABLE batch_rows(client int NOT NULL, n int NOT NULL, PRIMARY KEY (client, n));
                """.formatted(ITEMS));
        router = RunningRouter.start(RunningRouter.admit(RunningRouter.configFor(shard), account, PoolMode.TRANSACTION, BACKENDS));
    }

    @AfterAll
    static void stopRouter() {
        if (router != null) {
            router.close();
        }
    }

    /** prepareThreshold 1: named from the first execution; 5 (pgjdbc's default): named from the fifth. */
    @ParameterizedTest(name = "prepareThreshold={0}")
    @ValueSource(ints = {1, 5})
    void eightClientsOnTwoBackendsGetTheirOwnResults(int prepareThreshold) throws Exception {
        Set<Integer> backendPids = ConcurrentHashMap.newKeySet();
        runConcurrently(client -> {
            try (Connection connection = router.connect(account, Map.of("prepareThreshold", Integer.toString(prepareThreshold)));
                    PreparedStatement byId = connection.prepareStatement("SELECT name, ?::int AS client FROM items WHERE id = ?");
                    PreparedStatement arithmetic = connection.prepareStatement("SELECT ?::bigint * ?::int, pg_backend_pid()")) {
                for (int i = 0; i < QUERIES_PER_CLIENT; i++) {
                    int id = (client * QUERIES_PER_CLIENT + i) % ITEMS + 1;
                    byId.setInt(1, client);
                    byId.setInt(2, id);
                    try (ResultSet rows = byId.executeQuery()) {
                        assertThat(rows.next()).as("item %d for client %d", id, client).isTrue();
                        assertThat(rows.getString(1)).isEqualTo("item-" + id);
                        assertThat(rows.getInt(2)).isEqualTo(client);
                        assertThat(rows.next()).isFalse();
                    }
                    arithmetic.setLong(1, 1_000_000L * client);
                    arithmetic.setInt(2, i);
                    try (ResultSet rows = arithmetic.executeQuery()) {
                        assertThat(rows.next()).isTrue();
                        assertThat(rows.getLong(1)).isEqualTo(1_000_000L * client * i);
                        backendPids.add(rows.getInt(2));
                    }
                }
                // the statements really are prepared on the server, under whatever name the router gave them
                assertThat(Sql.single(connection,
                        "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM items WHERE id = $2%'"))
                        .isNotEqualTo("0");
            }
        });
        assertThat(backendPids).as("backends the clients shared").hasSizeBetween(1, BACKENDS);
    }

    @Test
    void batchInsertsFromEightClientsAllArrive() throws Exception {
        int rowsPerClient = 500;
        int batchSize = 50;
        runConcurrently(client -> {
            try (Connection connection = router.connect(account);
                    PreparedStatement insert = connection.prepareStatement("INSERT INTO batch_rows(client, n) VALUES (?, ?)")) {
                boolean explicitTransaction = client % 2 == 1;
                connection.setAutoCommit(!explicitTransaction);
                for (int n = 1; n <= rowsPerClient; n++) {
                    insert.setInt(1, client);
                    insert.setInt(2, n);
                    insert.addBatch();
                    if (n % batchSize == 0) {
                        int[] counts = insert.executeBatch();
                        assertThat(counts).hasSize(batchSize).containsOnly(1);
                        if (explicitTransaction) {
                            connection.commit();
                        }
                    }
                }
            }
        });
        assertThat(shard.psql(account.database(), "SELECT count(*) || ' ' || count(DISTINCT client) || ' ' || sum(n) FROM batch_rows"))
                .isEqualTo((CLIENTS * rowsPerClient) + " " + CLIENTS + " " + (CLIENTS * rowsPerClient * (rowsPerClient + 1) / 2));
    }

    private interface ClientWork {
        void run(int client) throws Exception;
    }

    /** Runs {@code work} for clients 0..7 at once; any failure fails the test with its cause. */
    private static void runConcurrently(ClientWork work) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newFixedThreadPool(CLIENTS)) {
            for (int client = 0; client < CLIENTS; client++) {
                int id = client;
                results.add(threads.submit(() -> {
                    start.await();
                    work.run(id);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> result : results) {
                result.get(90, TimeUnit.SECONDS);
            }
        }
    }
}
