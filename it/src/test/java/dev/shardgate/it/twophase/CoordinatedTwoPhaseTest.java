package dev.shardgate.it.twophase;

import static dev.shardgate.it.twophase.BankCluster.execute;
import static dev.shardgate.it.twophase.BankCluster.number;
import static dev.shardgate.it.twophase.BankCluster.prepared;
import static dev.shardgate.it.twophase.BankTransferCrashTest.ACCOUNTS_PER_SHARD;
import static dev.shardgate.it.twophase.BankTransferCrashTest.CLIENTS;
import static dev.shardgate.it.twophase.BankTransferCrashTest.OPENING_BALANCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.coordinator.Coordinator;
import dev.shardgate.coordinator.config.ConsoleRule;
import dev.shardgate.coordinator.config.CoordinatorConfig;
import dev.shardgate.it.harness.Jdbc;
import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.it.harness.ShardgateProcess;
import dev.shardgate.qdb.LocalEtcd;
import dev.shardgate.qdb.RemoteKeyValues;
import dev.shardgate.qdb.SyncEndpoint;
import dev.shardgate.wire.auth.PasswordExchange;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two-phase commit on a router fed by a coordinator: the commit decisions live in the coordinator's
 * etcd QDB, so they survive the router, and a router that cannot tell whether its decision was
 * stored leaves the transaction for recovery instead of guessing.
 */
@RealPostgres(servers = 2, settings = "max_prepared_transactions=20")
class CoordinatedTwoPhaseTest {
    private static final String DATABASE = "twophase_fed";

    private LocalEtcd etcd;
    private Coordinator coordinator;
    private CoordinatorConfig config;
    private final int routerGrpcPort = ShardgateProcess.freePort();

    @BeforeEach
    void startCoordinator(PostgresServers servers) throws Exception {
        etcd = LocalEtcd.start();
        config = new CoordinatorConfig("127.0.0.1", 0, ShardgateProcess.freePort(), etcd.endpoint(), "INFO",
                List.of(new ConsoleRule("spqr-console", BankCluster.USER, PasswordExchange.Method.TRUST, "")));
        coordinator = Coordinator.start(config, "test");
        awaitActive();
        StringBuilder setup = new StringBuilder();
        for (int i = 0; i < servers.size(); i++) {
            LocalPostgres server = servers.get(i);
            setup.append("CREATE SHARD sh").append(i + 1).append(" WITH HOSTS '").append(server.host()).append(':')
                    .append(server.port()).append("';\n");
        }
        setup.append(BankCluster.METADATA);
        setup.append("REGISTER ROUTER r1 ADDRESS '[127.0.0.1]:").append(routerGrpcPort).append("';\n");
        coordinator.execute(setup.toString());
    }

    @AfterEach
    void stopCoordinator() {
        if (coordinator != null) {
            coordinator.close();
        }
        etcd.close();
    }

    @Test
    void theTotalBalanceSurvivesAFedRouterKilledInTheMiddleOfTransfers(PostgresServers servers) throws Exception {
        List<Connection> shards = BankCluster.prepareShards(servers, DATABASE);
        try {
            fillAccounts(shards);
            AtomicLong committed = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            try (RouterChild router = RouterChild.startFedBy(coordinator.grpcApiPort(), routerGrpcPort, DATABASE)) {
                List<Thread> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    clients.add(Thread.ofPlatform().name("fed-transfer-" + c).start(
                            () -> BankTransferCrashTest.transfer(router.port, DATABASE, stop, committed, failed)));
                }
                BankTransferCrashTest.waitFor(committed, 100);
                router.kill();
                long atKill = committed.get();
                RouterChild.sleepMillis(300);
                router.launch();
                BankTransferCrashTest.waitFor(() -> committed.get() - atKill, 100);
                stop.set(true);
                for (Thread client : clients) {
                    client.join(60_000);
                }
                assertThat(router.logText()).contains("event=two_phase_recovery_done")
                        .doesNotContain("two_phase_decisions_in_memory");
            }
            assertThat(failed.get()).as("transfers cut off by the kill").isPositive();
            assertThat(totalBalance(shards)).as("money after " + committed.get() + " transfers").isEqualTo(openingTotal());
            assertThat(prepared(shards.get(0))).isEmpty();
            assertThat(prepared(shards.get(1))).isEmpty();
            assertThat(decisionsInEtcd()).as("decisions left in the coordinator's QDB").isEmpty();
        } finally {
            closeAll(shards);
        }
    }

    @Test
    void aDecisionThatCannotBeStoredLeavesTheTransactionToRecovery(PostgresServers servers) throws Exception {
        List<Connection> shards = BankCluster.prepareShards(servers, DATABASE);
        try {
            fillAccounts(shards);
            try (RouterChild router = RouterChild.startFedBy(coordinator.grpcApiPort(), routerGrpcPort, DATABASE);
                 Connection client = BankCluster.connect(router.port, DATABASE, true);
                 Statement statement = client.createStatement()) {
                statement.execute("BEGIN");
                statement.execute("UPDATE accounts SET balance = balance - 300 WHERE id = 1");
                statement.execute("UPDATE accounts SET balance = balance + 300 WHERE id = 1001");
                coordinator.close();
                coordinator = null;
                SQLException e = catchThrowableOfType(SQLException.class, () -> statement.execute("COMMIT"));
                assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("08007");
                assertThat(e.getMessage()).contains("could not record the commit decision", "nor make sure it is absent");
                assertThat(prepared(shards.get(0))).as("in doubt on sh1").hasSize(1);
                assertThat(prepared(shards.get(1))).as("in doubt on sh2").hasSize(1);
                assertThat(number(client, "SELECT balance FROM accounts WHERE id = 1001"))
                        .as("the router goes on routing without its coordinator").isEqualTo(OPENING_BALANCE);

                coordinator = Coordinator.start(config, "test");
                awaitActive();
                try (Connection console = BankCluster.connect(router.consolePort, "spqr-console", true)) {
                    execute(console, "RECOVER TWO PHASE");
                }
                assertThat(prepared(shards.get(0))).isEmpty();
                assertThat(prepared(shards.get(1))).isEmpty();
                assertThat(number(shards.get(1), "SELECT balance FROM accounts WHERE id = 1001"))
                        .as("no decision was stored: rolled back").isEqualTo(OPENING_BALANCE);
                assertThat(totalBalance(shards)).isEqualTo(openingTotal());
            }
        } finally {
            closeAll(shards);
        }
    }

    private void awaitActive() {
        Jdbc.await("coordinator active", 20_000, coordinator::isActive);
    }

    private List<String> decisionsInEtcd() {
        try (RemoteKeyValues remote = new RemoteKeyValues(List.of(new SyncEndpoint("127.0.0.1", coordinator.grpcApiPort())))) {
            return List.copyOf(remote.scan("2pc/").keySet());
        }
    }

    private static void fillAccounts(List<Connection> shards) throws SQLException {
        for (int i = 0; i < ACCOUNTS_PER_SHARD; i++) {
            execute(shards.get(0), "INSERT INTO accounts VALUES (" + i + ", " + OPENING_BALANCE + ")");
            execute(shards.get(1), "INSERT INTO accounts VALUES (" + (1000 + i) + ", " + OPENING_BALANCE + ")");
        }
    }

    private static long openingTotal() {
        return 2L * ACCOUNTS_PER_SHARD * OPENING_BALANCE;
    }

    private static long totalBalance(List<Connection> shards) throws SQLException {
        return number(shards.get(0), "SELECT sum(balance) FROM accounts") + number(shards.get(1), "SELECT sum(balance) FROM accounts");
    }

    private static void closeAll(List<Connection> shards) throws SQLException {
        for (Connection shard : shards) {
            shard.close();
        }
    }
}
