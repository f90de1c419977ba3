package dev.shardgate.console.ast;

import java.util.List;

/**
 * {@code CREATE SHARD id WITH HOSTS 'h:p'[, …]} or SPQR's {@code CREATE SHARD id OPTIONS (HOST 'h:p'[, …])}.
 *
 * @param hosts as written, {@code host:port}; the executor parses them
 */
public record CreateShard(String id, List<String> hosts) implements ConsoleStatement {
    public CreateShard {
        hosts = List.copyOf(hosts);
    }
}
