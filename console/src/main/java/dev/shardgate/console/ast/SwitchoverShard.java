package dev.shardgate.console.ast;

import java.util.Optional;

/**
 * {@code SWITCHOVER SHARD id [TO 'host:port']}: hands the primary role to a standby that has
 * replayed everything the live primary committed.
 *
 * @param target the standby to promote; without it, the most advanced one
 */
public record SwitchoverShard(String id, Optional<String> target) implements ConsoleStatement {
}
