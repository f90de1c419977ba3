package dev.shardgate.console.ast;

import java.util.List;
import java.util.Optional;

/**
 * {@code SHOW what [(column, …)] [WHERE …] [GROUP BY column, …] [ORDER BY column [ASC | DESC]]}, as
 * SPQR's console grammar allows.
 *
 * @param what    the case-folded name of what to list ({@code shards}, {@code key_ranges}, …); not
 *                checked by the parser
 * @param columns the columns to answer, in this order; empty for all of the target's
 * @param groupBy when not empty, one row per distinct value of these columns, with a {@code count}
 * @param orderBy the column to sort by; the target's own order when empty
 */
public record Show(String what, List<String> columns, Optional<WhereClause> where, List<String> groupBy,
                   Optional<OrderBy> orderBy) implements ConsoleStatement {

    public Show {
        columns = List.copyOf(columns);
        groupBy = List.copyOf(groupBy);
    }

    /** {@code SHOW what [WHERE …]}: every column, the target's order. */
    public Show(String what, Optional<WhereClause> where) {
        this(what, List.of(), where, List.of(), Optional.empty());
    }

    /** True when the statement asks for more than the target's rows as they are (filtered or not). */
    public boolean isShaped() {
        return !columns.isEmpty() || !groupBy.isEmpty() || orderBy.isPresent();
    }

    public record OrderBy(String column, boolean descending) {
    }
}
