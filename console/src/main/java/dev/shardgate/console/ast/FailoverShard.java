package dev.shardgate.console.ast;

import java.util.Optional;

/**
 * {@code FAILOVER SHARD id [TO 'host:port'] [FORCE]}: promotes a standby of the shard.
 *
 * @param target the standby to promote; without it, the most advanced one
 * @param force  promote even while a primary answers
 */
public record FailoverShard(String id, Optional<String> target, boolean force) implements ConsoleStatement {
}
