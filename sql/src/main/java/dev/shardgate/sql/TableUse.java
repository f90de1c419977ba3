package dev.shardgate.sql;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One use of a table in a statement, with the key values its rows are restricted to. */
final class TableUse {
    final TableRef ref;
    final Map<String, List<Value>> restrictions = new LinkedHashMap<>();

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
}
