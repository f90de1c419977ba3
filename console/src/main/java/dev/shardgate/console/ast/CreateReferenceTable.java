package dev.shardgate.console.ast;

import java.util.List;

/**
 * {@code CREATE REFERENCE TABLE r [ON sh1, sh2]}.
 *
 * @param shards the shards holding a copy; empty means every shard
 */
public record CreateReferenceTable(RelationName relation, List<String> shards) implements ConsoleStatement {
    public CreateReferenceTable {
        shards = List.copyOf(shards);
    }
}
