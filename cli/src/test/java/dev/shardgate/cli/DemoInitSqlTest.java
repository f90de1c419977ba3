package dev.shardgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.console.exec.RouterStatus;
import dev.shardgate.qdb.MemoryQdb;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The metadata {@code shardgate demo} boots its router with, run as the router runs init_sql. */
class DemoInitSqlTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void initSqlRunsCleanlyAndGivesOneKeyRangePerShard(int shards) {
        MemoryQdb qdb = new MemoryQdb();
        ConsoleExecutor executor = new ConsoleExecutor(qdb, RouterStatus.withoutClients("test"));
        // The router registers its configured shards before init_sql runs; so does this test.
        for (int i = 1; i <= shards; i++) {
            executor.execute("CREATE SHARD sh" + i + " WITH HOSTS 'localhost:" + (5431 + i) + "'");
        }

        List<ConsoleResult> results = executor.execute(DemoCommand.initSql(shards));

        assertThat(results).allSatisfy(result -> assertThat(result).isInstanceOf(ConsoleResult.Rows.class));
        assertThat(results).hasSize(2 + shards);
        assertThat(qdb.snapshot().keyRanges()).hasSize(shards);
        ConsoleResult.Rows keyRanges = (ConsoleResult.Rows) executor.execute("SHOW key_ranges").getFirst();
        for (int i = 1; i <= shards; i++) {
            assertThat(keyRanges.rows()).contains(List.of("krid" + i, "sh" + i, "ds1", Integer.toString((i - 1) * 1000), "false"));
        }
        ConsoleResult.Rows relations = (ConsoleResult.Rows) executor.execute("SHOW relations").getFirst();
        assertThat(relations.rows()).containsExactly(List.of("accounts", "ds1", "id", "public"));
    }
}
