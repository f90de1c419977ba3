package dev.shardgate.router.route;

import dev.shardgate.router.config.CommitStrategy;
import dev.shardgate.router.config.DefaultRouteBehaviour;
import dev.shardgate.router.config.TargetSessionAttrs;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * SPQR's routing hints: {@code SET __spqr__name = value} for the session, and
 * {@code /*__spqr__name: value*}{@code /} comments for one statement, which win over the session's.
 */
public final class RoutingHints {
    public static final String PREFIX = "__spqr__";
    public static final String SHARDING_KEY = "__spqr__sharding_key";
    public static final String DISTRIBUTION = "__spqr__distribution";
    public static final String EXECUTE_ON = "__spqr__execute_on";
    public static final String DEFAULT_ROUTE_BEHAVIOUR = "__spqr__default_route_behaviour";
    public static final String COMMIT_STRATEGY = "__spqr__commit_strategy";
    public static final String TARGET_SESSION_ATTRS = "__spqr__target_session_attrs";
    /** Shardgate's own: a session's reads on standbys see its earlier writes (docs/replicas.md). */
    public static final String READ_YOUR_WRITES = "__spqr__read_your_writes";

    private final Map<String, String> values = new LinkedHashMap<>();
    /** {@code SET LOCAL} hints: they win over the session's until the transaction ends. */
    private final Map<String, String> local = new LinkedHashMap<>();

    /** The session's and the transaction's hints at one moment, to return to (see {@link #restore}). */
    public record Snapshot(Map<String, String> session, Map<String, String> local) {
    }

    public static boolean isHint(String name) {
        return name != null && name.toLowerCase(Locale.ROOT).startsWith(PREFIX);
    }

    /** A session hint; an unknown __spqr__ name is an error naming it, as a misspelt GUC is. */
    public void set(String name, String value) {
        String key = checked(name);
        value = validated(key, value);
        if (value == null) {
            values.remove(key);
        } else {
            values.put(key, value);
        }
        local.remove(key); // as PostgreSQL's SET after SET LOCAL in one transaction
    }

    /** {@code SET LOCAL}: the hint holds until the transaction ends (see {@link #endTransaction}). */
    public void setLocal(String name, String value) {
        String key = checked(name);
        local.put(key, validated(key, value));
    }

    /** The transaction ended: its SET LOCAL hints are gone. */
    public void endTransaction() {
        local.clear();
    }

    public Snapshot snapshot() {
        return new Snapshot(Map.copyOf(values), java.util.Collections.unmodifiableMap(new LinkedHashMap<>(local)));
    }

    /** Back to a snapshot's hints: a rolled-back transaction or savepoint undoes its SETs. */
    public void restore(Snapshot snapshot) {
        values.clear();
        values.putAll(snapshot.session());
        local.clear();
        local.putAll(snapshot.local());
    }

    public boolean isEmpty() {
        return values.isEmpty() && local.isEmpty();
    }

    public void reset(String name) {
        String key = checked(name);
        values.remove(key);
        local.remove(key);
    }

    public void resetAll() {
        values.clear();
        local.clear();
    }

    public Optional<String> get(String name) {
        String key = checked(name);
        if (local.containsKey(key)) {
            return Optional.ofNullable(local.get(key)); // SET LOCAL x TO DEFAULT hides the session's value
        }
        return Optional.ofNullable(values.get(key));
    }

    /**
     * Whether a boolean parameter is on for one statement (see {@link #with}): a comment's value is
     * read here, as the statement is routed; a malformed one is 22023 naming the parameter.
     */
    public static boolean isOn(Map<String, String> inForce, String name) {
        String value = inForce.get(name);
        return value != null && VirtualParameters.parseBoolean(name, value);
    }

    /** The hints in force for one statement: the session's, then SET LOCAL's, overridden by the statement's comments. */
    public Map<String, String> with(Map<String, String> commentHints) {
        if (commentHints.isEmpty() && local.isEmpty()) {
            return values;
        }
        Map<String, String> merged = new LinkedHashMap<>(values);
        local.forEach((name, value) -> {
            if (value == null) {
                merged.remove(name);
            } else {
                merged.put(name, value);
            }
        });
        commentHints.forEach((name, value) -> merged.put(PREFIX + name.toLowerCase(Locale.ROOT).replaceFirst("^__spqr__", ""), value));
        return merged;
    }

    /** The value to keep: checked where the hint has a fixed set of values, target_session_attrs in its own spelling. */
    private static String validated(String key, String value) {
        if (value == null) {
            return null;
        }
        switch (key) {
            case DEFAULT_ROUTE_BEHAVIOUR -> parseBehaviour(value);
            case COMMIT_STRATEGY -> parseCommitStrategy(value);
            case TARGET_SESSION_ATTRS -> {
                return parseTargetSessionAttrs(value).spelling();
            }
            default -> {
                if (VirtualParameters.of(key).orElseThrow().kind() == VirtualParameters.Kind.BOOLEAN) {
                    return VirtualParameters.parseBoolean(key, value) ? "on" : "off";
                }
            }
        }
        return value;
    }

    /** A boolean as PostgreSQL spells one (on/off, true/false, yes/no, 1/0); anything else is 22023. */
    public static boolean parseOnOff(String name, String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "on", "true", "yes", "1" -> true;
            case "off", "false", "no", "0" -> false;
            default -> throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                    "parameter \"" + name + "\" requires a Boolean value");
        };
    }

    /** libpq's spellings and SPQR's smart-read-write; anything else is 22023 naming them all. */
    public static TargetSessionAttrs parseTargetSessionAttrs(String value) {
        return TargetSessionAttrs.parse(value).orElseThrow(() -> new PgException(SqlState.INVALID_PARAMETER_VALUE,
                "invalid value for parameter \"" + TARGET_SESSION_ATTRS + "\": \"" + value + "\"")
                .withHint("Available values: " + java.util.Arrays.stream(TargetSessionAttrs.values())
                        .map(TargetSessionAttrs::spelling).collect(java.util.stream.Collectors.joining(", ")) + "."));
    }

    public static DefaultRouteBehaviour parseBehaviour(String value) {
        try {
            return DefaultRouteBehaviour.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                    "invalid value for parameter \"" + DEFAULT_ROUTE_BEHAVIOUR + "\": \"" + value + "\"")
                    .withHint("Available values: BLOCK, ALLOW.");
        }
    }

    public static CommitStrategy parseCommitStrategy(String value) {
        return CommitStrategy.parse(value).orElseThrow(() -> new PgException(SqlState.INVALID_PARAMETER_VALUE,
                "invalid value for parameter \"" + COMMIT_STRATEGY + "\": \"" + value + "\"")
                .withHint("Available values: best_effort, 2pc."));
    }

    private static String checked(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        if (VirtualParameters.of(key).isEmpty()) {
            throw new PgException(SqlState.UNDEFINED_OBJECT, "unrecognized configuration parameter \"" + name + "\"");
        }
        return key;
    }
}
