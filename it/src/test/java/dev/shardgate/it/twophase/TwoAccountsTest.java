package dev.shardgate.it.twophase;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

/**
 * Tests on a {@link BankCluster} of their own (database {@code database}), with accounts 1 (sh1) and
 * 1001 (sh2) at 100 before each test.
 */
@RealPostgres(servers = 2, settings = "max_prepared_transactions=20")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TwoAccountsTest {
    private final String database;
    BankCluster cluster;

    TwoAccountsTest(String database) {
        this.database = database;
    }

    @BeforeAll
    void start(PostgresServers servers) throws Exception {
        cluster = BankCluster.start(servers, database);
    }

    @AfterAll
    void stop() throws SQLException {
        cluster.close();
    }

    @BeforeEach
    void accounts() throws SQLException {
        cluster.twoAccounts();
    }

    long balance(int shard, int id) throws SQLException {
        return cluster.balance(shard, id);
    }
}
