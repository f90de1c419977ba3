package dev.shardgate.console.ast;

import java.util.List;
import java.util.OptionalLong;

/**
 * {@code AUTO INCREMENT col [, col …] [START n]} at the end of a relation clause: the columns the
 * router fills from sequences when an INSERT leaves them out.
 *
 * @param start the first value of each column's sequence; empty when the statement gives none
 */
public record AutoIncrement(List<String> columns, OptionalLong start) {
    public AutoIncrement {
        columns = List.copyOf(columns);
    }
}
