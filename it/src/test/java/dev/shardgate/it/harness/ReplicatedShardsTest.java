package dev.shardgate.it.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.cli.postgres.LocalPostgresException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One shard: a primary with two standbys; the second standby is promoted by its test alone. */
class ReplicatedShardsTest {
    private static final Duration REPLAY = Duration.ofSeconds(60);

    private static ReplicatedShards shards;
    private static LocalPostgres primary;
    private static LocalPostgres standby;

    @BeforeAll
    static void start() throws SQLException {
        shards = ReplicatedShards.start(1, 2);
        primary = shards.primary(0);
        standby = shards.standby(0, 0);
        try (Connection connection = connect(primary)) {
            Jdbc.execute(connection, "CREATE TABLE item(id text PRIMARY KEY)");
        }
        for (LocalPostgres server : shards.standbys(0)) {
            server.waitForReplay(primary, REPLAY);
        }
    }

    @AfterAll
    static void stop() {
        if (shards != null) {
            shards.close();
        }
    }

    @Test
    void standbysAreInRecoveryOnPortsOfTheirOwnAndListedAfterThePrimary() {
        assertThat(primary.isInRecovery()).isFalse();
        assertThat(standby.isInRecovery()).isTrue();
        List<String> hosts = shards.hosts(0);
        assertThat(hosts).containsExactly("127.0.0.1:" + primary.port(), "127.0.0.1:" + standby.port(),
                "127.0.0.1:" + shards.standby(0, 1).port());
        assertThat(hosts).doesNotHaveDuplicates();
        assertThat(shards.routerShardsYaml())
                .isEqualTo("  sh1:\n    hosts: ['" + String.join("', '", hosts) + "']\n");
    }

    @Test
    void aRowInsertedOnThePrimaryIsReadOnTheStandbyAfterWaitForReplay() throws SQLException {
        insert(primary, "replayed");
        standby.waitForReplay(primary, REPLAY);
        assertThat(ids(standby)).contains("replayed");
        assertThat(standby.replayLsn()).matches("[0-9A-F]+/[0-9A-F]+");
    }

    @Test
    void aWriteOnAStandbyIsRefusedAsReadOnly() throws SQLException {
        try (Connection connection = connect(standby)) {
            assertThatThrownBy(() -> Jdbc.execute(connection, "INSERT INTO item VALUES ('on-standby')"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25006"));
        }
    }

    @Test
    void pausedReplayHoldsARowBackAndResumedReplayLetsItThrough() throws SQLException {
        standby.pauseReplay();
        try {
            insert(primary, "held");
            String target = primary.currentLsn();
            // Received but not applied: the pause, not the network, is what holds the row back.
            Jdbc.await("standby to receive " + target, REPLAY.toMillis(), () -> standby.psql("postgres",
                    "SELECT pg_last_wal_receive_lsn() >= '" + target + "'::pg_lsn").equals("t"));
            assertThat(ids(standby)).doesNotContain("held");
            assertThatThrownBy(() -> standby.waitForReplay(primary, Duration.ofMillis(300)))
                    .isInstanceOf(LocalPostgresException.class)
                    .hasMessageContaining(standby.name()).hasMessageContaining(primary.name());
        } finally {
            standby.resumeReplay();
        }
        standby.waitForReplay(primary, REPLAY);
        assertThat(ids(standby)).contains("held");
    }

    @Test
    void aRestartedOrKilledStandbyComesBackAsAStandbyAndCatchesUp() throws SQLException {
        standby.restart();
        assertThat(standby.isInRecovery()).isTrue();

        standby.kill();
        assertThat(standby.isRunning()).isFalse();
        insert(primary, "while-down");
        standby.restart();
        assertThat(standby.isInRecovery()).isTrue();
        standby.waitForReplay(primary, REPLAY);
        assertThat(ids(standby)).contains("while-down");
    }

    @Test
    void aPromotedStandbyAcceptsWritesAndStaysPrimaryAfterARestart() throws SQLException {
        LocalPostgres promoted = shards.standby(0, 1);
        insert(primary, "before-promotion");
        promoted.waitForReplay(primary, REPLAY);

        promoted.promote();

        assertThat(promoted.isInRecovery()).isFalse();
        insert(promoted, "after-promotion");
        assertThat(ids(promoted)).contains("before-promotion", "after-promotion");
        promoted.restart();
        assertThat(promoted.isInRecovery()).isFalse();
        assertThat(ids(primary)).doesNotContain("after-promotion");
    }

    private static Connection connect(LocalPostgres server) throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl("postgres"), LocalPostgres.SUPERUSER, LocalPostgres.SUPERUSER_PASSWORD);
    }

    private static void insert(LocalPostgres server, String id) throws SQLException {
        try (Connection connection = connect(server)) {
            Jdbc.execute(connection, "INSERT INTO item VALUES ('" + id + "')");
        }
    }

    private static List<String> ids(LocalPostgres server) throws SQLException {
        try (Connection connection = connect(server)) {
            return Jdbc.column(connection, "SELECT id FROM item");
        }
    }
}
