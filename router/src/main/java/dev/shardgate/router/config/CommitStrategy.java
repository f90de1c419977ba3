package dev.shardgate.router.config;

import java.util.Locale;
import java.util.Optional;

/**
 * How the router commits a transaction that wrote on several shards: {@code BEST_EFFORT} commits
 * shard by shard (a failure part-way leaves the others committed), {@code TWO_PHASE} prepares on
 * every shard first and records the decision in the QDB before committing any.
 */
public enum CommitStrategy {
    BEST_EFFORT("best_effort"),
    TWO_PHASE("2pc");

    private final String configName;

    CommitStrategy(String configName) {
        this.configName = configName;
    }

    /** The spelling in router.yaml and in {@code SET __spqr__commit_strategy}. */
    public String configName() {
        return configName;
    }

    /** Also SPQR's spellings: {@code best-effort}, {@code 1pc}. */
    public static Optional<CommitStrategy> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "2pc" -> Optional.of(TWO_PHASE);
            case "best_effort", "best-effort", "1pc" -> Optional.of(BEST_EFFORT);
            default -> Optional.empty();
        };
    }
}
