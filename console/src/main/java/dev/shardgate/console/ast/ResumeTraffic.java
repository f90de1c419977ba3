package dev.shardgate.console.ast;

import java.util.Optional;

/** {@code RESUME [SHARD id]}: ends a PAUSE of that shard (of everything without one). */
public record ResumeTraffic(Optional<String> shard) implements ConsoleStatement {
}
