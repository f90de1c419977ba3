package dev.shardgate.console.parse;

import dev.shardgate.console.ast.ConsoleStatement;
import dev.shardgate.wire.PgException;
import java.util.List;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;

/** Reads the text of one console query, which may hold several statements separated by semicolons. */
public final class ConsoleParser {
    private ConsoleParser() {
    }

    /**
     * @return the statements in order; empty for a text of only blanks, comments and semicolons
     * @throws PgException {@code 42601} at the first syntax error, positioned like PostgreSQL's
     */
    public static List<ConsoleStatement> parse(String text) {
        var lexer = new ConsoleSyntaxLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        lexer.addErrorListener(SyntaxErrorListener.INSTANCE);
        var parser = new ConsoleSyntaxParser(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        parser.addErrorListener(SyntaxErrorListener.INSTANCE);
        var builder = new StatementBuilder();
        return parser.script().statement().stream().map(builder::visit).toList();
    }
}
