package dev.shardgate.console.ast;

import java.util.List;
import java.util.Optional;

/**
 * {@code CREATE REFERENCE TABLE r [AUTO INCREMENT col, … [START n]] [ON sh1, sh2]}.
 *
 * @param shards the shards holding a copy; empty means every shard
 * @param autoIncrement the columns the router fills from sequences, as for a distributed relation
 */
public record CreateReferenceTable(RelationName relation, List<String> shards, Optional<AutoIncrement> autoIncrement)
        implements ConsoleStatement {
    public CreateReferenceTable {
        shards = List.copyOf(shards);
    }

    public CreateReferenceTable(RelationName relation, List<String> shards) {
        this(relation, shards, Optional.empty());
    }
}
