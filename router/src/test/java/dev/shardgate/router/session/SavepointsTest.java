package dev.shardgate.router.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.sql.SqlAnalyzer;
import org.junit.jupiter.api.Test;

/** The savepoint stack a joining shard replays follows PostgreSQL's rules for SAVEPOINT, RELEASE and ROLLBACK TO. */
class SavepointsTest {
    private static final SqlAnalyzer ANALYZER = new SqlAnalyzer(100);

    private final Savepoints savepoints = new Savepoints();

    private Savepoints run(String... statements) {
        for (String sql : statements) {
            savepoints.follow(ANALYZER.analyze(sql), () -> false);
        }
        return savepoints;
    }

    @Test
    void namesFoldAsPostgresFoldsThem() {
        assertThat(Savepoints.nameOf("SAVEPOINT Ab")).isEqualTo("ab");
        assertThat(Savepoints.nameOf("savepoint \"Mixed \"\"Case\"\"\"")).isEqualTo("Mixed \"Case\"");
        assertThat(Savepoints.nameOf("RELEASE SAVEPOINT s1 /* done */")).isEqualTo("s1");
        assertThat(Savepoints.nameOf("RELEASE savepoint")).isEqualTo("savepoint");
        assertThat(Savepoints.nameOf("ROLLBACK WORK TO SAVEPOINT x")).isEqualTo("x");
        assertThat(Savepoints.nameOf("rollback to \"PGJDBC_AUTOSAVE\"")).isEqualTo("PGJDBC_AUTOSAVE");
    }

    @Test
    void releaseDropsTheNewestOfItsNameAndThoseAfterIt() {
        run("BEGIN", "SAVEPOINT a", "SAVEPOINT b", "SAVEPOINT a", "SAVEPOINT c", "RELEASE a");
        assertThat(savepoints.replay()).containsExactly("SAVEPOINT \"a\"", "SAVEPOINT \"b\"");
    }

    @Test
    void rollbackToKeepsTheSavepointAndDropsThoseAfterIt() {
        run("BEGIN", "SAVEPOINT a", "SAVEPOINT \"B\"", "SAVEPOINT c", "ROLLBACK TO SAVEPOINT \"B\"");
        assertThat(savepoints.replay()).containsExactly("SAVEPOINT \"a\"", "SAVEPOINT \"B\"");
    }

    @Test
    void unknownNamesChangeNothingAndTheTransactionsEndClearsAll() {
        run("BEGIN", "SAVEPOINT a", "RELEASE nope", "ROLLBACK TO nope");
        assertThat(savepoints.replay()).containsExactly("SAVEPOINT \"a\"");
        run("COMMIT");
        assertThat(savepoints.replay()).isEmpty();
        run("BEGIN", "SAVEPOINT a", "ROLLBACK");
        assertThat(savepoints.replay()).isEmpty();
    }

    @Test
    void aFailedTransactionMakesNoSavepointButRollsBackToOne() {
        run("BEGIN", "SAVEPOINT a", "SAVEPOINT b");
        savepoints.follow(ANALYZER.analyze("SAVEPOINT c"), () -> true);
        savepoints.follow(ANALYZER.analyze("RELEASE a"), () -> true);
        savepoints.follow(ANALYZER.analyze("ROLLBACK TO a"), () -> true);
        assertThat(savepoints.replay()).containsExactly("SAVEPOINT \"a\"");
    }
}
