package dev.shardgate.console.ast;

import java.util.List;

/** {@code ALTER DISTRIBUTION ds ALTER RELATION r DISTRIBUTION KEY col [HASH FUNCTION h] | h [col TYPE, …], …}: the whole key replaced. */
public record AlterRelationKey(String distribution, RelationName relation, List<KeyEntry> distributionKey)
        implements ConsoleStatement {
    public AlterRelationKey {
        distributionKey = List.copyOf(distributionKey);
    }
}
