package dev.shardgate.qdb;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One YAML mapping of a stored state read strictly: only the expected keys (a trailing {@code ?}
 * marks an optional one), each of the expected type, errors naming the source (the file or the
 * etcd key) and the place.
 */
final class Fields {
    private final String source;
    private final String place;
    private final Map<?, ?> map;

    private Fields(String source, String place, Map<?, ?> map) {
        this.source = source;
        this.place = place;
        this.map = map;
    }

    static Fields of(String source, String place, Object node, String... expectedKeys) {
        return mapping(source, place, node).expect(expectedKeys);
    }

    /** The mapping with its keys not checked yet: for mappings whose kind decides their keys. */
    static Fields mapping(String source, String place, Object node) {
        if (!(node instanceof Map<?, ?> map)) {
            throw QdbException.corrupt(source, where(place) + " must be a mapping, not " + describe(node), null);
        }
        return new Fields(source, place, map);
    }

    /** This mapping, after checking it has exactly the expected keys. */
    Fields expect(String... expectedKeys) {
        Set<String> allowed = java.util.Arrays.stream(expectedKeys).map(k -> k.replace("?", "")).collect(Collectors.toSet());
        for (Object key : map.keySet()) {
            if (!(key instanceof String name) || !allowed.contains(name)) {
                throw QdbException.corrupt(source, where(place) + " has unknown field " + key, null);
            }
        }
        for (String key : expectedKeys) {
            if (!key.endsWith("?") && !map.containsKey(key)) {
                throw QdbException.corrupt(source, where(place) + " lacks field " + key, null);
            }
        }
        return this;
    }

    QdbException error(String key, String problem) {
        return QdbException.corrupt(source, child(key) + ": " + problem, null);
    }

    private String child(String key) {
        return place.isEmpty() ? key : place + "." + key;
    }

    /** The place for messages; the empty place is the document's top level. */
    private static String where(String place) {
        return place.isEmpty() ? "the top level" : place;
    }

    boolean has(String key) {
        return map.get(key) != null;
    }

    String string(String key) {
        if (map.get(key) instanceof String text) {
            return text;
        }
        throw error(key, "must be a string, not " + describe(map.get(key)));
    }

    String optionalString(String key) {
        return map.get(key) == null ? null : string(key);
    }

    long integer(String key) {
        return switch (map.get(key)) {
            case Integer i -> i;
            case Long l -> l;
            case null, default -> throw error(key, "must be an integer, not " + describe(map.get(key)));
        };
    }

    boolean bool(String key) {
        if (map.get(key) instanceof Boolean b) {
            return b;
        }
        throw error(key, "must be true or false, not " + describe(map.get(key)));
    }

    /** A list of strings; integers are taken as their digits, since bounds are often written bare. */
    List<String> strings(String key) {
        List<String> strings = new ArrayList<>();
        for (Object item : list(key)) {
            switch (item) {
                case String s -> strings.add(s);
                case Integer i -> strings.add(i.toString());
                case Long l -> strings.add(l.toString());
                case java.math.BigInteger b -> strings.add(b.toString());
                case null, default -> throw error(key, "must be a list of strings, but holds " + describe(item));
            }
        }
        return strings;
    }

    List<Fields> objects(String key, String... expectedKeys) {
        return mappings(key).stream().map(item -> item.expect(expectedKeys)).toList();
    }

    /** The list's mappings, keys not checked yet (see {@link #expect}). */
    List<Fields> mappings(String key) {
        List<Fields> mappings = new ArrayList<>();
        List<?> items = list(key);
        for (int i = 0; i < items.size(); i++) {
            mappings.add(mapping(source, child(key) + "[" + i + "]", items.get(i)));
        }
        return mappings;
    }

    /** A list of one-entry mappings of strings to strings, such as {@code [{integer: '1'}]}. */
    List<Map.Entry<String, String>> singleEntries(String key) {
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        for (Object item : list(key)) {
            if (!(item instanceof Map<?, ?> entry && entry.size() == 1
                    && entry.keySet().iterator().next() instanceof String name
                    && entry.values().iterator().next() instanceof String value)) {
                throw error(key, "must be a list of one-entry mappings of strings, but holds " + describe(item));
            }
            entries.add(Map.entry(name, value));
        }
        return entries;
    }

    Map<String, String> stringMap(String key) {
        if (!(map.get(key) instanceof Map<?, ?> entries)) {
            throw error(key, "must be a mapping, not " + describe(map.get(key)));
        }
        Map<String, String> strings = new LinkedHashMap<>();
        entries.forEach((k, v) -> {
            if (!(k instanceof String name) || !(v instanceof String value)) {
                throw error(key, "must map strings to strings, but holds " + describe(k) + ": " + describe(v));
            }
            strings.put(name, value);
        });
        return strings;
    }

    byte[] base64(String key, String entry, String text) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw error(key, "value of " + entry + " is not base64: " + e.getMessage());
        }
    }

    private List<?> list(String key) {
        if (map.get(key) instanceof List<?> list) {
            return list;
        }
        throw error(key, "must be a list, not " + describe(map.get(key)));
    }

    private static String describe(Object node) {
        return switch (node) {
            case null -> "nothing";
            case String s -> "the string \"" + s + "\"";
            case Map<?, ?> _ -> "a mapping";
            case List<?> _ -> "a list";
            default -> node.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " " + node;
        };
    }
}
