package dev.shardgate.console.ast;

import java.util.Optional;

/** {@code ALTER DISTRIBUTION ds ADD DEFAULT SHARD sh}, or {@code DROP DEFAULT SHARD} (empty shard). */
public record SetDefaultShard(String distribution, Optional<String> shard) implements ConsoleStatement {
}
