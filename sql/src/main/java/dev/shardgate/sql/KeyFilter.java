package dev.shardgate.sql;

import java.util.List;

/**
 * "Every row of {@code table} that the statement touches has {@code column} equal to one of
 * {@code values}, and within one interval of each of {@code ranges}": derived from
 * {@code col = v}, {@code v = col}, {@code col IN (…)}, {@code col = ANY(ARRAY[…])}, OR of these,
 * and equalities between columns in AND-conjunctions of WHERE and inner-join ON clauses (values);
 * and from {@code <, <=, >, >=}, BETWEEN and OR of these and of equalities (ranges: each is one
 * condition, a union of intervals, and all of them hold). A table used several times under the
 * same {@link TableRef} gets values only when every use is restricted, and then the values of all
 * uses; it gets ranges only when it is used once. No filter means no such restriction is known; it
 * is never a guess.
 *
 * @param values the values the column is among, or null when only ranges restrict it
 * @param ranges conditions that all hold, each a union of intervals; empty when none is known
 */
public record KeyFilter(TableRef table, String column, List<Value> values, List<List<KeyInterval>> ranges) {
    public KeyFilter {
        values = values == null ? null : List.copyOf(values);
        ranges = ranges.stream().map(List::copyOf).toList();
    }

    public KeyFilter(TableRef table, String column, List<Value> values) {
        this(table, column, values, List.of());
    }

    /** The column is known to be one of a list of values (not only within ranges). */
    public boolean hasValues() {
        return values != null;
    }
}
