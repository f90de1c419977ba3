package dev.shardgate.router.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML mapping of the config with its key path, read key by key into typed values. Scalars are
 * read from their text, so {@code '6432'} and {@code 6432} are the same port; a key written with
 * no value ({@code init_sql:}) counts as absent. Unknown and repeated keys are rejected up front.
 */
final class YamlMapping {
    private final ConfigSource source;
    private final String path;
    private final Map<String, Node> values;

    private YamlMapping(ConfigSource source, String path, Map<String, Node> values) {
        this.source = source;
        this.path = path;
        this.values = values;
    }

    static YamlMapping of(ConfigSource source, String path, Node node, List<String> knownKeys) {
        return of(source, path, node, knownKeys, List.of());
    }

    /**
     * Like {@link #of(ConfigSource, String, Node, List)}, also accepting {@code spqrKeys}: SPQR's names,
     * which messages leave out, so that they list the keys to write.
     */
    static YamlMapping of(ConfigSource source, String path, Node node, List<String> knownKeys, List<String> spqrKeys) {
        if (!(node instanceof MappingNode mapping)) {
            throw source.error(path, "must be a mapping of keys to values, got " + describe(node));
        }
        var values = new LinkedHashMap<String, Node>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
                throw source.error(path, "keys must be plain names, got " + describe(tuple.getKeyNode()));
            }
            String key = keyNode.getValue();
            String keyPath = ConfigSource.child(path, key);
            if (values.putIfAbsent(key, tuple.getValueNode()) != null) {
                throw source.errorAt(line(keyNode), keyPath, "duplicate key '" + key + "'");
            }
            source.rememberLine(keyPath, line(keyNode));
            if (!knownKeys.isEmpty() && !knownKeys.contains(key) && !spqrKeys.contains(key)) {
                throw source.error(keyPath, "unknown key '" + key + "' (expected one of: "
                        + String.join(", ", knownKeys) + ")");
            }
        }
        return new YamlMapping(source, path, values);
    }

    /** Keys in file order, for mappings whose keys are names chosen by the user (shards). */
    List<String> keys() {
        return List.copyOf(values.keySet());
    }

    /** The key is written with a value. */
    boolean has(String key) {
        return node(key).isPresent();
    }

    String pathOf(String key) {
        return ConfigSource.child(path, key);
    }

    Optional<YamlMapping> mapping(String key, List<String> knownKeys) {
        return node(key).map(node -> of(source, pathOf(key), node, knownKeys));
    }

    Optional<YamlMapping> mapping(String key, List<String> knownKeys, List<String> spqrKeys) {
        return node(key).map(node -> of(source, pathOf(key), node, knownKeys, spqrKeys));
    }

    YamlMapping requiredMapping(String key, List<String> knownKeys) {
        return mapping(key, knownKeys).orElseThrow(() -> missing(key));
    }

    /** The elements of a list with their key paths; absent means empty. */
    List<Map.Entry<String, Node>> list(String key) {
        Optional<Node> node = node(key);
        if (node.isEmpty()) {
            return List.of();
        }
        if (!(node.get() instanceof SequenceNode sequence)) {
            throw source.error(pathOf(key), "must be a list, got " + describe(node.get()));
        }
        var elements = new ArrayList<Map.Entry<String, Node>>();
        for (Node element : sequence.getValue()) {
            String elementPath = ConfigSource.element(pathOf(key), elements.size());
            source.rememberLine(elementPath, line(element));
            elements.add(Map.entry(elementPath, element));
        }
        return elements;
    }

    Optional<String> string(String key) {
        return node(key).map(node -> scalarText(source, pathOf(key), node));
    }

    ConfigException missing(String key) {
        return source.error(pathOf(key), "is required");
    }

    static String scalarText(ConfigSource source, String path, Node node) {
        if (!(node instanceof ScalarNode scalar)) {
            throw source.error(path, "must be a single value, got " + describe(node));
        }
        return scalar.getValue();
    }

    Optional<Integer> integer(String key, IntRange range) {
        return string(key).map(text -> {
            String digits = text.strip();
            if (!digits.matches("[+-]?[0-9]{1,10}")) {
                throw source.error(pathOf(key), range.mustBe() + ", got '" + text + "'");
            }
            long value = Long.parseLong(digits);
            if (!range.contains(value)) {
                throw source.error(pathOf(key), range.mustBe() + ", got '" + text + "'");
            }
            return (int) value;
        });
    }

    /** Only true and false, in any case: YAML 1.1's yes/no/on/off are too easy to misread. */
    Optional<Boolean> bool(String key) {
        return string(key).map(text -> switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw source.error(pathOf(key), "must be true or false, got '" + text + "'");
        });
    }

    /**
     * One of {@code values}, compared without regard to case as PostgreSQL does for enum settings;
     * messages show each value as {@code spelling} writes it.
     */
    <E extends Enum<E>> Optional<E> choice(String key, E[] choices, Function<E, String> spelling) {
        return string(key).map(text -> Stream.of(choices)
                .filter(choice -> spelling.apply(choice).equalsIgnoreCase(text.strip()))
                .findFirst()
                .orElseThrow(() -> source.error(pathOf(key), "must be one of "
                        + Stream.of(choices).map(spelling).collect(Collectors.joining(", "))
                        + ", got '" + text + "'")));
    }

    Optional<Duration> duration(String key) {
        return string(key).map(text -> ConfigUnits.parseDuration(text)
                .orElseThrow(() -> source.error(pathOf(key),
                        "must be " + ConfigUnits.DURATION_EXAMPLES + ", got '" + text + "'")));
    }

    Optional<Long> size(String key) {
        return string(key).map(text -> ConfigUnits.parseSize(text)
                .orElseThrow(() -> source.error(pathOf(key),
                        "must be " + ConfigUnits.SIZE_EXAMPLES + ", got '" + text + "'")));
    }

    /** A path, resolved against {@code baseDir} when relative and a base is given. */
    Optional<Path> path(String key, Path baseDir) {
        return string(key).map(text -> {
            if (text.isBlank()) {
                throw source.error(pathOf(key), "must not be empty");
            }
            Path file = Path.of(text);
            return baseDir == null || file.isAbsolute() ? file : baseDir.resolve(file).normalize();
        });
    }

    private Optional<Node> node(String key) {
        Node node = values.get(key);
        boolean absent = node == null || (node instanceof ScalarNode && Tag.NULL.equals(node.getTag()));
        return absent ? Optional.empty() : Optional.of(node);
    }

    static int line(Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private static String describe(Node node) {
        return switch (node) {
            case MappingNode mapping -> "a mapping";
            case SequenceNode sequence -> "a list";
            case ScalarNode scalar -> "'" + scalar.getValue() + "'";
            default -> "a " + node.getNodeId();
        };
    }
}
