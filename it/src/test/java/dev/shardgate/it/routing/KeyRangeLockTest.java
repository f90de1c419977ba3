package dev.shardgate.it.routing;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.shardgate.it.routing.Sql.error;
import static dev.shardgate.it.routing.Sql.update;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key range locked through the admin console holds back the statements for its keys for at most
 * lock_wait_timeout (500 ms here), while the other ranges serve on.
 */
@RealPostgres(servers = 2)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyRangeLockTest {
    private static final long LOCK_WAIT_MILLIS = 500;

    private RoutedShards cluster;
    private Connection console;

    @BeforeAll
    void startRouter(PostgresServers servers) throws SQLException, IOException {
        cluster = RoutedShards.on(servers, "routing_locks").schema(Orders.SCHEMA).initSql(Orders.init(2))
                .lockWaitTimeout(Duration.ofMillis(LOCK_WAIT_MILLIS))
                .start();
        console = cluster.console();
    }

    @AfterAll
    void stopRouter() throws SQLException {
        console.close();
        cluster.close();
    }

    @BeforeEach
    void mirrorRows() throws SQLException {
        Orders.mirror(cluster);
    }

    @AfterEach
    void unlock() throws SQLException {
        if (Sql.query(console, "SHOW key_ranges").contains("true")) {
            Sql.execute(console, "UNLOCK KEY RANGE kr2");
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void statementsForALockedRangeWaitThenFailWhileOtherRangesServe(Protocol protocol) throws SQLException {
        try (Connection router = cluster.connect(protocol)) {
            Sql.execute(console, "LOCK KEY RANGE kr2");

            long start = System.nanoTime();
            SQLException locked = error(router, "UPDATE orders SET amount = amount + 1 WHERE id = ?", 1005L);
            long waited = elapsedMillis(start);
            assertThat(locked.getSQLState()).isEqualTo("55P03");
            assertThat(locked.getMessage()).contains("kr2");
            assertThat(waited).as("waited ms").isBetween(LOCK_WAIT_MILLIS - 50, LOCK_WAIT_MILLIS + 3000);

            start = System.nanoTime();
            assertThat(update(router, "UPDATE orders SET amount = amount + 1 WHERE id = ?", 5L)).isEqualTo(1);
            assertThat(elapsedMillis(start)).as("the other range does not wait").isLessThan(LOCK_WAIT_MILLIS - 100);

            Sql.execute(console, "UNLOCK KEY RANGE kr2");
            assertThat(update(router, "UPDATE orders SET amount = amount + 10 WHERE id = ?", 1005L)).isEqualTo(1);
        }
        assertThat(cluster.onEachShard("SELECT amount FROM orders WHERE id = 5")).isEqualTo(cluster.only("sh1", "1", "0"));
        assertThat(cluster.onEachShard("SELECT amount FROM orders WHERE id = 1005")).isEqualTo(cluster.only("sh2", "10", "0"));
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void aStatementWaitingForALockedRangeRunsOnceItIsUnlocked(Protocol protocol) throws Exception {
        try (Connection router = cluster.connect(protocol)) {
            Sql.execute(console, "LOCK KEY RANGE kr2");
            long start = System.nanoTime();
            CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return update(router, "UPDATE orders SET amount = amount + 1 WHERE id = ?", 1006L);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(150);
            assertThat(waiting).as("still waiting for the lock").isNotDone();
            Sql.execute(console, "UNLOCK KEY RANGE kr2");
            assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(elapsedMillis(start)).isGreaterThanOrEqualTo(150);
        }
        assertThat(cluster.onEachShard("SELECT amount FROM orders WHERE id = 1006")).isEqualTo(cluster.only("sh2", "1", "0"));
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
