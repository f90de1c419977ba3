package dev.shardgate.console.ast;

/** {@code KILL CLIENT id}; the id may be written as a name, a number or a string. */
public record KillClient(String id) implements ConsoleStatement {
}
