package dev.shardgate.console.parse;

import static dev.shardgate.console.parse.ConsoleParserStatementsTest.assertParses;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.console.ast.BoundLiteral;
import dev.shardgate.console.ast.CreateKeyRange;
import dev.shardgate.console.ast.CreateShard;
import dev.shardgate.console.ast.DropShard;
import dev.shardgate.console.ast.LockKeyRange;
import dev.shardgate.console.ast.MoveKeyRange;
import dev.shardgate.console.ast.RegisterRouter;
import dev.shardgate.console.ast.Show;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The PostgreSQL-like lexical rules: case, quoting, comments, statement separation. */
class ConsoleParserLexicalTest {

    @Test
    void keywordsAreCaseInsensitiveAndBareNamesFoldToLowerCase() {
        assertParses("MoVe KeY rAnGe KR1 tO Sh2", new MoveKeyRange("kr1", "sh2"));
    }

    @Test
    void quotedIdentifiersKeepCaseAndDoubledQuotes() {
        assertParses("MOVE KEY RANGE \"KR 1\" TO \"sh\"\"2\"", new MoveKeyRange("KR 1", "sh\"2"));
    }

    @Test
    void stringsKeepCaseAndUndoubleQuotes() {
        assertParses("REGISTER ROUTER r ADDRESS 'It''s:7000'", new RegisterRouter("r", "It's:7000"));
    }

    @Test
    void numbersMayBeNegativeAndStringsAreNotNumbers() {
        assertParses("CREATE KEY RANGE kr FROM -5, '-5', 0 ROUTE TO sh",
                new CreateKeyRange("kr", List.of(BoundLiteral.number("-5"), BoundLiteral.string("-5"),
                        BoundLiteral.number("0")), "sh", null));
    }

    @Test
    void keywordsServeAsNamesWhereUnambiguous() {
        assertParses("MOVE KEY RANGE range TO shard", new MoveKeyRange("range", "shard"));
        assertParses("CREATE KEY RANGE from FROM 1 ROUTE TO to", new CreateKeyRange("from",
                List.of(BoundLiteral.number("1")), "to", null));
        assertParses("SHOW hosts", new Show("hosts", Optional.empty()));
    }

    @Test
    void hyphenatedNamesAsSpqrUsersWriteThem() {
        assertParses("DROP SHARD shard-1", new DropShard("shard-1"));
    }

    @Test
    void commentsAreSkipped() {
        assertParses("""
                -- the first shard
                CREATE /* a comment /* nested */ still comment */ SHARD sh1 -- trailing
                  WITH HOSTS 'h:1' /* last */""",
                new CreateShard("sh1", List.of("h:1")));
    }

    @Test
    void trailingSemicolonIsOptional() {
        assertParses("LOCK KEY RANGE kr1;", new LockKeyRange("kr1"));
        assertParses("LOCK KEY RANGE kr1 ;  ", new LockKeyRange("kr1"));
    }

    @Test
    void severalStatementsInOneText() {
        assertThat(ConsoleParser.parse("SHOW shards; LOCK KEY RANGE kr1;;\n MOVE KEY RANGE kr1 TO sh2"))
                .containsExactly(new Show("shards", Optional.empty()), new LockKeyRange("kr1"),
                        new MoveKeyRange("kr1", "sh2"));
    }

    @Test
    void emptyTextsHoldNoStatements() {
        assertThat(ConsoleParser.parse("")).isEmpty();
        assertThat(ConsoleParser.parse("  ; ;-- nothing\n/* at all */")).isEmpty();
    }

    @Test
    void statementsPrintAsRecords() {
        assertThat(ConsoleParser.parse("MOVE KEY RANGE kr1 TO sh2").getFirst())
                .hasToString("MoveKeyRange[id=kr1, shard=sh2, metaOnly=false]");
    }
}
