package dev.shardgate.console.ast;

/**
 * {@code DROP SEQUENCE name}: forgets the values of an auto-increment sequence no relation uses.
 *
 * @param name as SHOW sequences lists it: {@code orders_id}, or {@code sales.orders_id} outside
 *             schema public
 */
public record DropSequence(String name) implements ConsoleStatement {
}
