package dev.shardgate.console.ast;

import java.util.Optional;

/**
 * {@code PAUSE [SHARD id]}: new transactions on the shard (on every shard without one) wait until
 * RESUME; transactions already running finish.
 */
public record PauseTraffic(Optional<String> shard) implements ConsoleStatement {
}
