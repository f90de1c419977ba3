package dev.shardgate.console.ast;

import java.util.List;

/** {@code HELP [word …]}: the statements whose syntax starts with the words, or all of them. */
public record Help(List<String> words) implements ConsoleStatement {
    public Help {
        words = List.copyOf(words);
    }
}
