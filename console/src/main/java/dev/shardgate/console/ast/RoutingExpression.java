package dev.shardgate.console.ast;

import java.util.List;

/**
 * SPQR's routing expression {@code MURMUR [c1 INTEGER, c2 VARCHAR HASH]}: one key entry hashed
 * from several columns.
 *
 * @param hashFunction lower-case as written; the executor validates it
 */
public record RoutingExpression(String hashFunction, List<TypedColumn> columns) implements KeyEntry {
    public RoutingExpression {
        columns = List.copyOf(columns);
    }

    /** @param type as {@code CREATE DISTRIBUTION}'s column types: {@code integer}, {@code varchar hash}, … */
    public record TypedColumn(String column, String type) {
    }
}
