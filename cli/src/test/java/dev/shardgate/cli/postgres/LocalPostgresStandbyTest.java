package dev.shardgate.cli.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Standbys of a primary that authenticates with SCRAM, as the standby's walreceiver must too. */
class LocalPostgresStandbyTest {
    private static final Duration REPLAY = Duration.ofSeconds(60);

    @TempDir
    static Path base;

    @Test
    void standbyOfAScramPrimaryStreamsAndCloseDropsItsSlotAndDirectory() throws IOException {
        Path ownBase = base.resolve("streaming");
        try (LocalPostgres primary = LocalPostgres.start(ownBase, "primary", AuthMethod.SCRAM)) {
            primary.createUser("alice", "secret");
            LocalPostgres standby = LocalPostgres.startStandby(ownBase, "standby", primary);
            try {
                assertThat(standby.port()).isNotEqualTo(primary.port());
                assertThat(standby.hostAuth()).isEqualTo(AuthMethod.SCRAM);
                assertThat(standby.isInRecovery()).isTrue();
                assertThat(standby.logFile()).exists();
                assertThat(standby.dataDir().resolve(primary.logFile().getFileName())).doesNotExist();

                primary.psql("postgres", "CREATE TABLE t(v text); INSERT INTO t VALUES ('streamed'); GRANT SELECT ON t TO alice");
                standby.waitForReplay(primary, REPLAY);
                assertThat(primary.psql("postgres", "SELECT slot_name || ' ' || active FROM pg_replication_slots"))
                        .isEqualTo("standby_standby true");
                // Roles and their SCRAM verifiers come with the base backup.
                ProcessResult read = ExternalCommand.of(PostgresInstallation.locate().binary("psql").toString(),
                                "-X", "-A", "-t", "-w", "-h", standby.host(), "-p", Integer.toString(standby.port()),
                                "-U", "alice", "-d", "postgres", "-c", "SELECT v FROM t")
                        .withEnvironment("PGPASSWORD", "secret")
                        .run(Duration.ofSeconds(30));
                assertThat(read.stdout().strip()).as(read.stderr()).isEqualTo("streamed");
            } finally {
                standby.close();
            }
            assertThat(standby.dataDir()).doesNotExist();
            assertThat(primary.psql("postgres", "SELECT count(*) FROM pg_replication_slots")).isEqualTo("0");
        }
        assertThat(entries(ownBase)).isEmpty();
    }

    @Test
    void aStandbyOfAStoppedServerFailsNamingItAndLeavesNothingBehind() throws IOException {
        Path ownBase = base.resolve("stopped");
        try (LocalPostgres primary = LocalPostgres.start(ownBase, "gone", AuthMethod.TRUST)) {
            primary.stop();
            assertThatThrownBy(() -> LocalPostgres.startStandby(ownBase, "orphan", primary))
                    .isInstanceOf(LocalPostgresException.class)
                    .hasMessageContaining("server gone is not running");
        }
        assertThat(entries(ownBase)).isEmpty();
    }

    @Test
    void replayLsnOfAServerThatNeverWasAStandbyIsAnError() {
        try (LocalPostgres primary = LocalPostgres.start(base, "never-standby", AuthMethod.TRUST)) {
            assertThat(primary.isInRecovery()).isFalse();
            assertThat(primary.currentLsn()).matches("[0-9A-F]+/[0-9A-F]+");
            assertThatThrownBy(primary::replayLsn)
                    .isInstanceOf(LocalPostgresException.class)
                    .hasMessageContaining("server never-standby has replayed no WAL");
        }
    }

    private static java.util.List<Path> entries(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList();
        }
    }
}
