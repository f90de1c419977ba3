package dev.shardgate.console.exec;

import static dev.shardgate.console.exec.ConsoleHarness.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A query's statements as one all-or-nothing batch, and the statements this console does not run. */
class QueryBatchTest {
    private final ConsoleHarness console = new ConsoleHarness();

    @Test
    void allChangesOfAQueryAreOneQdbVersion() {
        long before = console.qdb.version();

        console.run("CREATE SHARD sh1 WITH HOSTS 'pg1:5432'; CREATE DISTRIBUTION ds COLUMN TYPES integer;"
                + "CREATE KEY RANGE FROM 0 ROUTE TO sh1; CREATE KEY RANGE FROM 100 ROUTE TO sh1");

        assertThat(console.qdb.version()).isEqualTo(before + 1);
        assertThat(console.qdb.snapshot().keyRanges().keySet()).containsExactly("kr1", "kr2");
    }

    @Test
    void aRefusedStatementUndoesTheWholeQuery() {
        console.run("CREATE SHARD sh1 WITH HOSTS 'pg1:5432'");

        console.fails("CREATE SHARD sh2 WITH HOSTS 'pg2:5432'; CREATE DISTRIBUTION ds COLUMN TYPES integer;"
                        + "CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh3",
                SqlState.UNDEFINED_OBJECT, "shard \"sh3\" does not exist");

        assertThat(console.qdb.snapshot().shards().keySet()).containsExactly("sh1");
        assertThat(console.qdb.snapshot().distributions()).isEmpty();
    }

    @Test
    void aBadShowAlsoUndoesTheQuery() {
        console.fails("CREATE SHARD sh1 WITH HOSTS 'pg1:5432'; SHOW key_ranges WHERE shard = 'sh1'",
                SqlState.UNDEFINED_COLUMN, "column \"shard\" does not exist");
        assertThat(console.qdb.snapshot().shards()).isEmpty();
    }

    @Test
    void showsAnswerFromTheSnapshotAfterTheBatch() {
        List<ConsoleResult> results = console.run(
                "SHOW shards; CREATE SHARD sh1 WITH HOSTS 'pg1:5432'; SHOW shards; DROP SHARD sh1");

        assertThat(results).hasSize(4);
        assertThat(results.get(1)).isEqualTo(new ConsoleResult.Rows(List.of("add shard"), List.of(List.of("shard id -> sh1"))));
        assertThat(results.get(3)).isEqualTo(new ConsoleResult.Rows(List.of("drop shard"), List.of(List.of("shard id -> sh1"))));
        // Both SHOWs see the state after the whole query, in which sh1 is gone again.
        assertThat(results.get(0)).isEqualTo(new ConsoleResult.Rows(List.of("shard_id", "hosts"), List.of(), "SELECT 0"));
        assertThat(results.get(2)).isEqualTo(results.get(0));
        assertThat(console.qdb.snapshot().shards()).isEmpty();
    }

    @Test
    void aQueryWithoutChangesDoesNotTouchTheQdb() {
        long before = console.qdb.version();
        console.run("SHOW shards; SET application_name = 'psql'");
        assertThat(console.qdb.version()).isEqualTo(before);
    }

    @Test
    void emptyTextHasNoResults() {
        assertThat(console.run("")).isEmpty();
        assertThat(console.run(" ; -- nothing\n;")).isEmpty();
    }

    @Test
    void syntaxErrorsCarryTheirPosition() {
        PgException e = console.fails("SHOW shards; CREATE SHAR sh1", SqlState.SYNTAX_ERROR, "syntax error at or near \"SHAR\"");
        assertThat(e.position()).isEqualTo(21);
    }

    @Test
    void setIsAcceptedAndIgnored() {
        assertThat(console.answers("SET extra_float_digits = 3; SET application_name TO 'PostgreSQL JDBC Driver'"))
                .containsExactly("SET", "SET");
    }

    @Test
    void coordinatorStatementsAreRefusedByName() {
        console.fails("REDISTRIBUTE KEY RANGE kr1 TO sh2", SqlState.FEATURE_NOT_SUPPORTED,
                "REDISTRIBUTE KEY RANGE is only supported on the coordinator");
        console.fails("REGISTER ROUTER r1 ADDRESS 'router1:7000'", SqlState.FEATURE_NOT_SUPPORTED,
                "REGISTER ROUTER is only supported on the coordinator");
        console.fails("UNREGISTER ROUTER r1", SqlState.FEATURE_NOT_SUPPORTED, "UNREGISTER ROUTER is only supported on the coordinator");
        console.fails("UNREGISTER ROUTER ALL", SqlState.FEATURE_NOT_SUPPORTED, "UNREGISTER ROUTER is only supported on the coordinator");
        console.fails("DRAIN SHARD sh1", SqlState.FEATURE_NOT_SUPPORTED, "DRAIN SHARD is only supported on the coordinator");
        console.fails("STOP TASK GROUP 7", SqlState.FEATURE_NOT_SUPPORTED, "STOP TASK GROUP is only supported on the coordinator");
        console.fails("CHECK DISTRIBUTION ds1", SqlState.FEATURE_NOT_SUPPORTED, "CHECK DISTRIBUTION is only supported on the coordinator");
        console.fails("REBALANCE DISTRIBUTION ds1 DRY RUN", SqlState.FEATURE_NOT_SUPPORTED,
                "REBALANCE DISTRIBUTION is only supported on the coordinator");
        console.fails("RETRY TASK GROUP 'tg-1'", SqlState.FEATURE_NOT_SUPPORTED, "RETRY TASK GROUP is only supported on the coordinator");
        console.fails("KILL CLIENT 5", SqlState.FEATURE_NOT_SUPPORTED, "KILL CLIENT is only supported on a router's console");
        console.fails("PAUSE SHARD sh1", SqlState.FEATURE_NOT_SUPPORTED, "PAUSE is only supported on a router's or a coordinator's console");
        console.fails("RESUME", SqlState.FEATURE_NOT_SUPPORTED, "RESUME is only supported on a router's or a coordinator's console");
    }

    @Test
    void anUnsupportedStatementUndoesTheQueryToo() {
        console.fails("CREATE SHARD sh1 WITH HOSTS 'pg1:5432'; KILL CLIENT 1", SqlState.FEATURE_NOT_SUPPORTED,
                "KILL CLIENT is only supported on a router's console");
        assertThat(console.qdb.snapshot().shards()).isEmpty();
    }

    @Test
    void describeGivesShowColumnsWithoutRunning() {
        var statements = dev.shardgate.console.parse.ConsoleParser.parse(
                "SHOW key_ranges; CREATE SHARD sh1 WITH HOSTS 'h:1'; ALTER SHARD sh1 ADD HOST 'h:2'");
        assertThat(console.executor.describe(statements.get(0)))
                .contains(List.of("key_range_id", "shard_id", "distribution_id", "lower_bound", "locked"));
        assertThat(console.executor.describe(statements.get(1))).as("SPQR's table").contains(List.of("add shard"));
        assertThat(console.executor.describe(statements.get(2))).as("a tag, no rows").isEmpty();
        assertThat(console.qdb.snapshot().shards()).isEmpty();
    }

    @Test
    void resultsOfSeveralShowsKeepTheirOrder() {
        console.run("CREATE SHARD sh1 WITH HOSTS 'pg1:5432'; CREATE DISTRIBUTION ds COLUMN TYPES integer");
        List<ConsoleResult> results = console.run("SHOW distributions; SHOW shards");
        assertThat(results).extracting(ConsoleResult::tag).containsExactly("SELECT 1", "SELECT 1");
        assertThat(((ConsoleResult.Rows) results.get(1)).rows()).containsExactly(row("sh1", "pg1:5432"));
    }
}
