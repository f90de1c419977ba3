package dev.shardgate.it.harness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.cli.postgres.AuthMethod;
import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.cli.postgres.ProcessResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@RealPostgres(servers = 1, auth = AuthMethod.SCRAM)
class PgbenchHarnessTest {

    @Test
    void pgbenchInitializesAndRunsSelectOnlyWithScram(PostgresServers servers) {
        LocalPostgres server = servers.get(0);
        server.createUser("bench", "bench-pw");
        server.createDatabase("bench", "bench");
        Pgbench pgbench = new Pgbench(server.host(), server.port(), "bench", "bench-pw", "bench");

        ProcessResult init = pgbench.initialize(1, Duration.ofMinutes(2));
        assertThat(init.exitCode()).as(init.stderr()).isZero();
        assertThat(server.psql("bench", "SELECT count(*) FROM pgbench_accounts")).isEqualTo("100000");

        ProcessResult run = pgbench.run(Duration.ofMinutes(1), "-S", "-T", "2");
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("number of failed transactions: 0").containsPattern("tps = \\d+");
    }

    @Test
    void wrongPasswordIsRejectedOverTcp(PostgresServers servers) {
        LocalPostgres server = servers.get(0);
        server.createUser("guarded", "right");
        ProcessResult rejected = new Psql(server.host(), server.port(), "guarded", "wrong", "postgres").command("SELECT 1");
        assertThat(rejected.exitCode()).isNotZero();
        assertThat(rejected.stderr()).contains("password authentication failed for user \"guarded\"");
        ProcessResult accepted = new Psql(server.host(), server.port(), "guarded", "right", "postgres").command("SELECT current_user");
        assertThat(accepted.stdout()).isEqualTo("guarded\n");
    }
}
