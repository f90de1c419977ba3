package dev.shardgate.sql;

import java.util.List;

/**
 * "Every row of {@code table} that the statement touches has {@code column} equal to one of
 * {@code values}": derived from {@code col = v}, {@code v = col}, {@code col IN (…)} and equalities
 * between columns in AND-conjunctions of WHERE and inner-join ON clauses. A table used several
 * times under the same {@link TableRef} gets a filter only when every use is restricted, and then
 * the values of all uses. No filter means no such restriction is known; it is never a guess.
 */
public record KeyFilter(TableRef table, String column, List<Value> values) {
    public KeyFilter {
        values = List.copyOf(values);
    }
}
