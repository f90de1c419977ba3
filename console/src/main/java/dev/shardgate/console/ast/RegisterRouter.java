package dev.shardgate.console.ast;

/**
 * {@code REGISTER ROUTER id ADDRESS '[host]:port'}.
 *
 * @param address as written; the executor parses it
 */
public record RegisterRouter(String id, String address) implements ConsoleStatement {
}
