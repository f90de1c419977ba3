package dev.shardgate.router.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Where a configuration comes from: its name in messages and, for a file, the line of each key
 * path read so far, so that checks made after parsing still point at the line.
 */
final class ConfigSource {
    static final String IN_CODE_NAME = "in-code configuration";

    private final String name;
    private final Map<String, Integer> lines = new HashMap<>();

    ConfigSource(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    void rememberLine(String keyPath, int line) {
        lines.putIfAbsent(keyPath, line);
    }

    ConfigException error(String keyPath, String problem) {
        return new ConfigException(name, lineOf(keyPath), keyPath, problem);
    }

    ConfigException errorAt(int line, String keyPath, String problem) {
        return new ConfigException(name, line, keyPath, problem);
    }

    /** The line of the path, or of its nearest ancestor for a key that is missing. */
    private int lineOf(String keyPath) {
        String path = keyPath;
        while (!path.isEmpty()) {
            Integer line = lines.get(path);
            if (line != null) {
                return line;
            }
            path = parentOf(path);
        }
        return 0;
    }

    private static String parentOf(String path) {
        int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
        return cut < 0 ? "" : path.substring(0, cut);
    }

    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String element(String parent, int index) {
        return parent + "[" + index + "]";
    }
}
