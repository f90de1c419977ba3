package dev.shardgate.sql;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SqlLexerTest {

    private static List<Integer> parameters(String sql) {
        List<Integer> numbers = new ArrayList<>();
        SqlLexer.forEachParameter(sql, (start, end, number) -> numbers.add(number));
        return numbers;
    }

    @Test
    void parametersOutsideStringsCommentsAndIdentifiersAreFound() {
        assertEquals(List.of(1, 12), parameters(
                "select $1, '$2', E'\\'$3', \"$4\", $tag$ $5 $tag$, a$6, -- $7\n /* /* $8 */ $9 */ $12"));
    }

    @Test
    void blockCommentsNestAndUnclosedOnesReportMinusOne() {
        assertEquals(17, SqlLexer.blockCommentEnd("/* a /* b */ c */ x", 0));
        assertEquals(-1, SqlLexer.blockCommentEnd("/* a /* b */", 0));
    }

    @Test
    void quotesDoubleAndEscapeStringsTakeBackslashes() {
        assertEquals(6, SqlLexer.quotedEnd("'a''b' x", 0, false));
        assertEquals(6, SqlLexer.quotedEnd("'a\\'b' x", 0, true));
        assertEquals(-1, SqlLexer.quotedEnd("'a", 0, false));
    }

    @Test
    void dollarQuotesNeedATagAndAreNotParameters() {
        assertEquals(-1, SqlLexer.dollarQuoteTagEnd("$1", 0));
        assertEquals(1, SqlLexer.dollarQuoteTagEnd("$$x$$", 0));
        assertEquals(5, SqlLexer.dollarQuotedEnd("$$x$$ y", 0, 1));
        assertEquals(-1, SqlLexer.dollarQuoteTagEnd("$ x", 0));
    }

    @Test
    void utf8TextIsScannedByByteOffsets() {
        byte[] utf8 = "'é' /* ü */ $é$ x $é$!".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        CharSequence text = SqlLexer.ofBytes(utf8);
        assertEquals(4, SqlLexer.quotedEnd(text, 0, false));
        assertEquals(13, SqlLexer.blockCommentEnd(text, 5));
        assertEquals(17, SqlLexer.dollarQuoteTagEnd(text, 14));
        assertEquals(utf8.length - 1, SqlLexer.dollarQuotedEnd(text, 14, 17));
    }
}
