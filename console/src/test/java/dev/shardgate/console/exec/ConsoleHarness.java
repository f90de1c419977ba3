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

    /**
     * Runs statements that must all succeed; returns each one's answer as a user reads it: a command
     * tag, or SPQR's one-column table as {@code header: row / row}.
     */
    List<String> answers(String text) {
        return run(text).stream().map(ConsoleHarness::answer).toList();
    }

    private static String answer(ConsoleResult result) {
        return switch (result) {
            case ConsoleResult.Done done -> done.tag();
            case ConsoleResult.Rows rows -> {
                assertThat(rows.columns()).as("a statement's table has one column").hasSize(1);
                yield rows.columns().getFirst() + ": "
                        + String.join(" / ", rows.rows().stream().map(List::getFirst).toList());
            }
        };
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
