package dev.shardgate.coordinator.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** One YAML mapping of the config with its key path; scalars are read from their text, so '7002' and 7002 agree. */
final class Section {
    private final String source;
    private final String path;
    private final Map<?, ?> values;

    Section(String source, String path, Object node, List<String> knownKeys) {
        this(source, path, node, knownKeys, List.of());
    }

    /** Also accepting {@code spqrKeys}, SPQR's names, which messages leave out so that they list the keys to write. */
    Section(String source, String path, Object node, List<String> knownKeys, List<String> spqrKeys) {
        this.source = source;
        this.path = path;
        if (!(node instanceof Map<?, ?> map)) {
            throw new CoordinatorConfigException(source, path, "must be a mapping of keys to values");
        }
        for (Object key : map.keySet()) {
            if (!knownKeys.contains(String.valueOf(key)) && !spqrKeys.contains(String.valueOf(key))) {
                throw new CoordinatorConfigException(source, child(String.valueOf(key)),
                        "unknown key '" + key + "' (expected one of: " + String.join(", ", knownKeys) + ")");
            }
        }
        this.values = map;
    }

    boolean has(String key) {
        return values.get(key) != null;
    }

    String pathOf(String key) {
        return child(key);
    }

    Optional<String> text(String key) {
        Object value = values.get(key);
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            throw error(key, "must be a single value");
        }
        return Optional.ofNullable(value).map(String::valueOf);
    }

    Optional<Integer> port(String key) {
        return text(key).map(text -> {
            try {
                int port = Integer.parseInt(text.trim());
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw error(key, "must be a port number 0..65535, got '" + text + "'");
        });
    }

    Optional<String> oneOf(String key, List<String> allowed) {
        return text(key).map(text -> {
            String folded = text.toLowerCase(Locale.ROOT);
            if (!allowed.contains(folded)) {
                throw error(key, "must be one of " + String.join(", ", allowed) + ", got '" + text + "'");
            }
            return folded;
        });
    }

    List<?> list(String key) {
        Object value = values.get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw error(key, "must be a list");
        }
        return list;
    }

    Optional<Section> section(String key, List<String> knownKeys) {
        return section(key, knownKeys, List.of());
    }

    Optional<Section> section(String key, List<String> knownKeys, List<String> spqrKeys) {
        return Optional.ofNullable(values.get(key)).map(node -> new Section(source, child(key), node, knownKeys, spqrKeys));
    }

    CoordinatorConfigException error(String key, String problem) {
        return new CoordinatorConfigException(source, child(key), problem);
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
