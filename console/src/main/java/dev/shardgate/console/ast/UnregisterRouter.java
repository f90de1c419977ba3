package dev.shardgate.console.ast;

/** {@code UNREGISTER ROUTER id}. */
public record UnregisterRouter(String id) implements ConsoleStatement {
}
