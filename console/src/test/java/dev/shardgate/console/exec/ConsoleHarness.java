package dev.shardgate.console.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.meta.Metadata;
import dev.shardgate.qdb.MemoryQdb;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.List;

/** An executor on a fresh MemoryQdb, with the assertions the executor tests share. */
final class ConsoleHarness {
    final MemoryQdb qdb = new MemoryQdb();
    final ConsoleExecutor executor;

    ConsoleHarness() {
        this(RouterStatus.withoutClients("Shardgate test"));
    }

    ConsoleHarness(RouterStatus status) {
        executor = new ConsoleExecutor(qdb, status);
    }

    List<ConsoleResult> run(String text) {
        return executor.execute(text);
    }

    /** Runs statements that must all succeed without rows; returns their tags. */
    List<String> tags(String text) {
        List<ConsoleResult> results = run(text);
        assertThat(results).allSatisfy(result -> assertThat(result).isInstanceOf(ConsoleResult.Done.class));
        return results.stream().map(ConsoleResult::tag).toList();
    }

    /** Runs one SHOW and returns its result. */
    ConsoleResult.Rows show(String text) {
        List<ConsoleResult> results = run(text);
        assertThat(results).hasSize(1);
        assertThat(results.getFirst()).isInstanceOf(ConsoleResult.Rows.class);
        return (ConsoleResult.Rows) results.getFirst();
    }

    List<List<String>> rows(String text) {
        return show(text).rows();
    }

    /** The text fails with this SQLSTATE and exactly this message, and the QDB is left as it was. */
    PgException fails(String text, SqlState state, String message) {
        Metadata before = qdb.snapshot();
        long version = qdb.version();
        PgException e = catchThrowableOfType(PgException.class, () -> executor.execute(text));
        assertThat(e).as("error of %s", text).isNotNull();
        assertThat(e.getMessage()).isEqualTo(message);
        assertThat(e.sqlState()).as("SQLSTATE of \"%s\"", e.getMessage()).isEqualTo(state);
        assertThat(qdb.snapshot()).isEqualTo(before);
        assertThat(qdb.version()).isEqualTo(version);
        return e;
    }

    static List<String> row(String... values) {
        return java.util.Arrays.asList(values);
    }
}
