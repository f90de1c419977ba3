package dev.shardgate.console.replica;

import static dev.shardgate.console.replica.ShardFailoverTest.fails;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.console.exec.RouterStatus;
import dev.shardgate.qdb.MemoryQdb;
import dev.shardgate.wire.SqlState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replica statements through a console executor, as an operator types them. */
class ReplicaStatementsTest {
    private final MemoryQdb qdb = new MemoryQdb();
    private final FakeHosts hosts = new FakeHosts();
    private final ConsoleExecutor console = new ConsoleExecutor(qdb, RouterStatus.withoutClients("test"),
            new ReplicaStatements(qdb, hosts, PromotionJournal.NONE, true));

    private ConsoleResult.Rows one(String text) {
        return (ConsoleResult.Rows) console.execute(text).getFirst();
    }

    @Test
    void showHostsChecksEveryHostOnce() {
        console.execute("CREATE SHARD sh1 WITH HOSTS 'p:5432', 's1:5432', 's2:5432'; CREATE SHARD sh2 WITH HOSTS 'q:5432'");
        hosts.primary("p:5432", 0x3000100);
        hosts.standby("s1:5432", 0x3000000);
        hosts.down("s2:5432");
        hosts.primary("q:5432", 0x1000000);
        console.execute("ALTER SHARD sh2 ADD HOST 'busy:5432'");
        hosts.standby("busy:5432", 0x1000000).refusesLogin = SqlState.TOO_MANY_CONNECTIONS;

        ConsoleResult.Rows shown = one("SHOW hosts");

        assertThat(shown.columns()).containsExactly("shard", "host", "role", "state", "lag_bytes", "lag_seconds",
                "connections", "last_check", "last_error");
        assertThat(shown.rows()).extracting(row -> row.subList(0, 7)).containsExactly(
                row("sh1", "p:5432", "primary", "up", "0", "0", null),
                row("sh1", "s1:5432", "standby", "up", "256", "1.500", null),
                row("sh1", "s2:5432", "unknown", "down", null, null, null),
                row("sh2", "q:5432", "primary", "up", "0", "0", null),
                row("sh2", "busy:5432", "unknown", "error", null, null, null));
        assertThat(shown.rows().get(2).get(8)).isEqualTo("cannot connect to host \"s2:5432\" of shard \"sh1\": Connection refused");
        assertThat(shown.rows().getFirst().get(7)).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(hosts.received("p:5432")).containsExactly(HostProbe.SQL);

        assertThat(one("SHOW hosts WHERE state = 'down'").rows()).extracting(row -> row.get(1)).containsExactly("s2:5432");
        fails(() -> console.execute("SHOW hosts WHERE lag = '0'"), SqlState.UNDEFINED_COLUMN,
                "column \"lag\" does not exist");
    }

    private static List<String> row(String... values) {
        return java.util.Arrays.asList(values);
    }

    @Test
    void failoverOfAnUnknownShardNamesIt() {
        fails(() -> console.execute("FAILOVER SHARD sh9"), SqlState.UNDEFINED_OBJECT, "shard \"sh9\" does not exist");
    }

    @Test
    void failoverAnswersOneRow() {
        console.execute("CREATE SHARD sh1 WITH HOSTS 'p:5432', 's1:5432'");
        hosts.down("p:5432");
        hosts.standby("s1:5432", 0x3000000);

        ConsoleResult.Rows answer = one("FAILOVER SHARD sh1");

        assertThat(answer.tag()).isEqualTo("SELECT 1");
        assertThat(answer.rows().getFirst().subList(0, 4)).containsExactly("sh1", "s1:5432", "0/3000000", "p:5432");
        // failover leaves the metadata alone: routers learn roles from the servers
        assertThat(qdb.snapshot().shard("sh1").orElseThrow().hosts()).containsExactly("p:5432", "s1:5432");
    }

    @Test
    void switchoverTakesTheFormerPrimaryOutOfTheShard() {
        console.execute("CREATE SHARD sh1 WITH HOSTS 'p:5432', 's1:5432'");
        hosts.primary("p:5432", 0x3000000);
        hosts.standby("s1:5432", 0x3000000);

        ConsoleResult.Rows answer = one("SWITCHOVER SHARD sh1 TO 's1:5432'");

        assertThat(answer.rows().getFirst().subList(0, 4)).containsExactly("sh1", "s1:5432", "0/3000000", "p:5432");
        assertThat(qdb.snapshot().shard("sh1").orElseThrow().hosts()).containsExactly("s1:5432");
        assertThat(console.describe(new dev.shardgate.console.ast.SwitchoverShard("sh1", java.util.Optional.empty())))
                .contains(Promotion.ANSWER_COLUMNS);
    }
}
