package dev.shardgate.console.parse;

import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;

/**
 * Stops at the first syntax error with PostgreSQL's wording: "syntax error at or near "X"" or
 * "at end of input", and the 1-based character position of the offending token in the whole
 * query text (ANTLR's char streams count code points, as PostgreSQL counts characters).
 */
final class SyntaxErrorListener extends BaseErrorListener {
    static final SyntaxErrorListener INSTANCE = new SyntaxErrorListener();

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int charPositionInLine,
                            String antlrMessage, RecognitionException e) {
        if (!(offendingSymbol instanceof Token token)) {
            // The lexer has a catch-all token, so it never fails on its own; keep a sane message anyway.
            throw new PgException(SqlState.SYNTAX_ERROR, "syntax error: " + antlrMessage);
        }
        throw new PgException(SqlState.SYNTAX_ERROR, message(token)).withPosition(token.getStartIndex() + 1);
    }

    private static String message(Token token) {
        String nearText = " at or near \"" + token.getText() + "\"";
        return switch (token.getType()) {
            case Token.EOF -> "syntax error at end of input";
            case ConsoleSyntaxLexer.UNTERMINATED_STRING -> "unterminated quoted string" + nearText;
            case ConsoleSyntaxLexer.UNTERMINATED_QUOTED_IDENTIFIER -> "unterminated quoted identifier" + nearText;
            case ConsoleSyntaxLexer.UNTERMINATED_BLOCK_COMMENT -> "unterminated /* comment" + nearText;
            case ConsoleSyntaxLexer.EMPTY_QUOTED_IDENTIFIER -> "zero-length delimited identifier" + nearText;
            default -> "syntax error" + nearText;
        };
    }
}
