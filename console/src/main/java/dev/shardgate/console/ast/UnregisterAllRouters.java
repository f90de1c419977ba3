package dev.shardgate.console.ast;

/** {@code UNREGISTER ROUTER ALL}. */
public record UnregisterAllRouters() implements ConsoleStatement {
}
