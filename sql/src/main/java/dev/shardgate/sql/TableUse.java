package dev.shardgate.sql;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One use of a table in a statement, with the key values and ranges its rows are restricted to. */
final class TableUse {
    final TableRef ref;
    final Map<String, List<Value>> restrictions = new LinkedHashMap<>();
    /** Per column, conditions that all hold, each a union of intervals. */
    final Map<String, List<List<KeyInterval>>> ranges = new LinkedHashMap<>();

    TableUse(TableRef ref) {
        this.ref = ref;
    }

    /** Records that the column is one of the values; of two restrictions the narrower is kept (both are true). */
    void restrict(String column, List<Value> values) {
        List<Value> known = restrictions.get(column);
        if (known == null || values.size() < known.size()) {
            restrictions.put(column, List.copyOf(values));
        }
    }

    /** Records that the column lies in one of the intervals; every such condition holds. */
    void restrictToRanges(String column, List<KeyInterval> union) {
        List<List<KeyInterval>> known = ranges.computeIfAbsent(column, c -> new ArrayList<>());
        if (!known.contains(union)) {
            known.add(List.copyOf(union));
        }
    }
}
