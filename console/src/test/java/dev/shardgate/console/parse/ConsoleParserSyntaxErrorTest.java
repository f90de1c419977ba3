package dev.shardgate.console.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Syntax errors read like PostgreSQL's, with the 1-based character position in the whole text. */
class ConsoleParserSyntaxErrorTest {

    static void assertSyntaxError(String text, String message, int position) {
        assertError(text, SqlState.SYNTAX_ERROR, message, position);
    }

    static void assertError(String text, SqlState state, String message, int position) {
        assertThatThrownBy(() -> ConsoleParser.parse(text))
                .isInstanceOfSatisfying(PgException.class, e -> {
                    assertThat(e.sqlState()).isEqualTo(state);
                    assertThat(e.getMessage()).isEqualTo(message);
                    assertThat(e.position()).isEqualTo(position);
                });
    }

    @Test
    void unknownStatement() {
        assertSyntaxError("FROBNICATE shards", "syntax error at or near \"FROBNICATE\"", 1);
    }

    @Test
    void wrongTokenInTheMiddle() {
        assertSyntaxError("CREATE DISTRIBUTION ds COLUMN TYPES text", "syntax error at or near \"text\"", 37);
    }

    @Test
    void missingTokenAtEnd() {
        assertSyntaxError("SHOW", "syntax error at end of input", 5);
        assertSyntaxError("MOVE KEY RANGE kr1 TO  ", "syntax error at end of input", 24);
        assertSyntaxError("CREATE KEY RANGE kr FROM 1 ROUTE", "syntax error at end of input", 33);
    }

    @Test
    void autoIncrementNeedsAColumnAndANumericStart() {
        assertSyntaxError("CREATE RELATION t (id) AUTO INCREMENT IN ds", "syntax error at or near \"ds\"", 42);
        assertSyntaxError("CREATE RELATION t (id) AUTO INCREMENT id START x", "syntax error at or near \"x\"", 48);
        assertError("CREATE RELATION t (id) AUTO INCREMENT id START 9223372036854775808", SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
                "START value 9223372036854775808 is out of range for type bigint", 48);
    }

    @Test
    void hostsAreStringsAndAtLeastOne() {
        assertSyntaxError("ALTER SHARD sh1 ADD HOST pg1:5432", "syntax error at or near \"pg1\"", 26);
        assertSyntaxError("ALTER SHARD sh1 DROP HOST", "syntax error at end of input", 26);
        assertSyntaxError("FAILOVER SHARD sh1 TO pg2", "syntax error at or near \"pg2\"", 23);
        assertSyntaxError("SWITCHOVER SHARD sh1 FORCE", "syntax error at or near \"FORCE\"", 22);
    }

    @Test
    void extraTokenAfterStatement() {
        assertSyntaxError("DROP SHARD sh1 sh2", "syntax error at or near \"sh2\"", 16);
    }

    @Test
    void missingSemicolonBetweenStatements() {
        assertSyntaxError("SHOW shards SHOW routers", "syntax error at or near \"SHOW\"", 13);
    }

    @Test
    void positionCountsFromTheStartOfTheWholeText() {
        assertSyntaxError("SHOW shards;\nDROP KEY RANGE;", "syntax error at or near \";\"", 28);
    }

    @Test
    void positionCountsCharactersNotBytes() {
        assertSyntaxError("SHOW \"ключи\" \"ключи\"", "syntax error at or near \"\"ключи\"\"", 14);
    }

    @Test
    void reservedAllIsNoName() {
        assertSyntaxError("MOVE KEY RANGE all TO sh1", "syntax error at or near \"all\"", 16);
    }

    @Test
    void unexpectedCharacter() {
        assertSyntaxError("SHOW shards WHERE a # 1", "syntax error at or near \"#\"", 21);
    }

    @Test
    void decimalIsNoBound() {
        assertSyntaxError("CREATE KEY RANGE FROM 1.5 ROUTE TO sh", "syntax error at or near \".\"", 24);
    }

    @Test
    void unterminatedLexemes() {
        assertSyntaxError("REGISTER ROUTER r ADDRESS 'host:1", "unterminated quoted string at or near \"'host:1\"", 27);
        assertSyntaxError("DROP SHARD \"sh", "unterminated quoted identifier at or near \"\"sh\"", 12);
        assertSyntaxError("DROP SHARD sh /* oops", "unterminated /* comment at or near \"/* oops\"", 15);
        assertSyntaxError("DROP SHARD \"\"", "zero-length delimited identifier at or near \"\"\"\"", 12);
    }

    @Test
    void batchSizeMustBePositive() {
        assertError("REDISTRIBUTE KEY RANGE kr TO sh BATCH SIZE 0", SqlState.INVALID_PARAMETER_VALUE,
                "BATCH SIZE must be a positive integer, got 0", 44);
        assertError("REDISTRIBUTE KEY RANGE kr TO sh BATCH SIZE 99999999999", SqlState.INVALID_PARAMETER_VALUE,
                "BATCH SIZE must be a positive integer, got 99999999999", 44);
    }

    @Test
    void rebalanceThresholdIsAPercentage() {
        assertError("REBALANCE DISTRIBUTION ds THRESHOLD 101", SqlState.INVALID_PARAMETER_VALUE,
                "THRESHOLD must be a percentage between 0 and 100, got 101", 37);
        assertError("REBALANCE DISTRIBUTION ds THRESHOLD -1", SqlState.INVALID_PARAMETER_VALUE,
                "THRESHOLD must be a percentage between 0 and 100, got -1", 37);
    }

    @Test
    void errorInLaterStatementRejectsTheWholeText() {
        assertSyntaxError("DROP SHARD sh1; DROP SHARD", "syntax error at end of input", 27);
    }

    @Test
    void errorsLeaveStandardErrorQuiet() {
        PrintStream original = System.err;
        var captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThatThrownBy(() -> ConsoleParser.parse("CREATE SHARD; DROP # ;")).isInstanceOf(PgException.class);
        } finally {
            System.setErr(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
