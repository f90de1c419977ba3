package dev.shardgate.console.ast;

import java.util.Optional;

/**
 * {@code SYNC REFERENCE TABLES ON sh} (every reference relation placed on the shard) or {@code SYNC
 * REFERENCE TABLE r ON sh}: the shard's copy made equal to another shard's.
 */
public record SyncReferenceTables(Optional<RelationName> relation, String shard) implements ConsoleStatement {
}
