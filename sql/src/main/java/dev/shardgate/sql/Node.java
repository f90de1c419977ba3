package dev.shardgate.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A node of libpg_query's JSON parse tree. A node is written {@code {"SelectStmt": {fields}}};
 * structs embedded by value (e.g. {@code InsertStmt.relation}, a RangeVar) are bare field maps and
 * get their type from the field that holds them. Fields with default values (0, false, null,
 * empty lists) are left out of the JSON, so every accessor has a default.
 */
record Node(String type, Map<String, Object> fields) {

    /** The node a JSON value holds, or null for JSON null, {@code {}} and non-nodes. */
    @SuppressWarnings("unchecked")
    static Node of(Object json) {
        if (json instanceof Map<?, ?> map && map.size() == 1) {
            Map.Entry<?, ?> entry = map.entrySet().iterator().next();
            if (entry.getKey() instanceof String type && !type.isEmpty() && Character.isUpperCase(type.charAt(0))
                    && entry.getValue() instanceof Map<?, ?> fields) {
                return new Node(type, (Map<String, Object>) fields);
            }
        }
        return null;
    }

    boolean is(String nodeType) {
        return type.equals(nodeType);
    }

    /** A wrapped child node, or null. */
    Node node(String field) {
        return of(fields.get(field));
    }

    /** A struct embedded by value, typed by the caller, or null. */
    @SuppressWarnings("unchecked")
    Node struct(String field, String structType) {
        return fields.get(field) instanceof Map<?, ?> map ? new Node(structType, (Map<String, Object>) map) : null;
    }

    /** The nodes of a list field; empty when absent. JSON nulls and {@code {}} entries are skipped. */
    List<Node> nodes(String field) {
        if (!(fields.get(field) instanceof List<?> list)) {
            return List.of();
        }
        List<Node> result = new ArrayList<>(list.size());
        for (Object item : list) {
            Node node = of(item);
            if (node != null) {
                result.add(node);
            }
        }
        return result;
    }

    /** A list field with positions kept: entries that are not nodes are null. */
    List<Node> positional(String field) {
        if (!(fields.get(field) instanceof List<?> list)) {
            return List.of();
        }
        List<Node> result = new ArrayList<>(list.size());
        for (Object item : list) {
            result.add(of(item));
        }
        return result;
    }

    Object raw(String field) {
        return fields.get(field);
    }

    boolean has(String field) {
        return fields.containsKey(field);
    }

    String string(String field) {
        return fields.get(field) instanceof String s ? s : null;
    }

    long number(String field) {
        return fields.get(field) instanceof Number n ? n.longValue() : 0;
    }

    boolean flag(String field) {
        return Boolean.TRUE.equals(fields.get(field));
    }

    /** The text of a {@code String} node ({@code {"String": {"sval": "x"}}}), or null for other nodes. */
    String stringValue() {
        if (!is("String")) {
            return null;
        }
        String value = string("sval");
        return value == null ? "" : value;
    }

    /** The texts of a list of {@code String} nodes (qualified names), or null if any entry is not one. */
    List<String> names(String field) {
        List<Node> items = positional(field);
        List<String> result = new ArrayList<>(items.size());
        for (Node item : items) {
            String name = item == null ? null : item.stringValue();
            if (name == null) {
                return null;
            }
            result.add(name);
        }
        return result;
    }
}
