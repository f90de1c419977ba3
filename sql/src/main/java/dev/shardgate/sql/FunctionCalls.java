package dev.shardgate.sql;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The functions a statement calls: every FuncCall node of its parse tree, in the select list, the
 * FROM clause (set-returning functions), conditions, CALL and so on.
 */
final class FunctionCalls {
    private FunctionCalls() {
    }

    static List<FunctionRef> in(Node statement) {
        Set<FunctionRef> found = new LinkedHashSet<>();
        collect(statement.fields(), found);
        return found.isEmpty() ? List.of() : new ArrayList<>(found);
    }

    private static void collect(Object json, Set<FunctionRef> found) {
        if (json instanceof List<?> list) {
            for (Object element : list) {
                collect(element, found);
            }
        } else if (json instanceof Map<?, ?> map) {
            Node node = Node.of(json);
            if (node != null && node.is("FuncCall")) {
                add(node, found);
            } else if (node == null && map.get("funcname") instanceof List<?>) {
                // embedded by value (CALL's funccall): a bare field map
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) map;
                add(new Node("FuncCall", fields), found);
            }
            for (Object value : map.values()) {
                collect(value, found);
            }
        }
    }

    private static void add(Node call, Set<FunctionRef> found) {
        FunctionRef ref = reference(call.names("funcname"));
        if (ref != null) {
            found.add(ref);
        }
    }

    /** {@code name}, {@code schema.name} or {@code catalog.schema.name} (the catalog is the database). */
    private static FunctionRef reference(List<String> names) {
        if (names == null || names.isEmpty()) {
            return null;
        }
        return new FunctionRef(names.size() >= 2 ? names.get(names.size() - 2) : null, names.getLast());
    }
}
