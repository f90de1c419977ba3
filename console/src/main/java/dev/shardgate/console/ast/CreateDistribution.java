package dev.shardgate.console.ast;

import java.util.List;

/**
 * {@code CREATE DISTRIBUTION id COLUMN TYPES integer, varchar hash [DEFAULT SHARD sh]}.
 *
 * @param columnTypes one per key column, lower-case: {@code integer}, {@code varchar}, {@code uuid},
 *                    each possibly followed by {@code " hash"}; {@code int} is read as {@code integer}
 * @param defaultShard the shard for keys no key range covers, or null
 */
public record CreateDistribution(String id, List<String> columnTypes, String defaultShard)
        implements ConsoleStatement {
    public CreateDistribution {
        columnTypes = List.copyOf(columnTypes);
    }
}
