package dev.shardgate.it.differential;

import java.util.List;

/**
 * What the generator knows about a statement's result, so that the judge compares only what
 * PostgreSQL determines.
 *
 * @param checks   how to compare each column, by position; columns past the list are {@link Check#EXACT}
 * @param ordering null when the order of rows is not fixed
 */
record Shape(List<Check> checks, Ordering ordering) {
    static final Shape UNORDERED = new Shape(List.of(), null);

    enum Check {
        /** The text as returned. */
        EXACT,
        /**
         * Equal by the type's own equality: a GROUP BY or DISTINCT key, where PostgreSQL itself may
         * return 2.0 or 2.00 (numeric), -0 or 0 (float), '1 day' or '24:00:00' (interval) for one group.
         */
        VALUE,
        /** An aggregate (sum, avg) whose float result depends on the order of summation: relative tolerance. */
        APPROXIMATE
    }

    /**
     * ORDER BY over the select list.
     *
     * @param keys    the positions (0-based) of the sort keys in the select list
     * @param total   whether the keys fix the order of all rows (the last one is unique)
     * @param limited whether LIMIT/OFFSET cut the result: then, with a partial order, only the
     *                sequence of sort-key values is determined
     */
    record Ordering(List<Integer> keys, boolean total, boolean limited) {
    }

    Check check(int column) {
        return column < checks.size() ? checks.get(column) : Check.EXACT;
    }

    static Shape checks(Check... checks) {
        return new Shape(List.of(checks), null);
    }

    Shape ordered(Ordering ordering) {
        return new Shape(checks, ordering);
    }
}
