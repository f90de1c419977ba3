package dev.shardgate.console.ast;

import java.util.List;

/**
 * {@code ALTER SHARD id DROP HOST 'h:p'[, …]}.
 *
 * @param hosts as written, {@code host:port}; the executor checks them
 */
public record DropShardHosts(String id, List<String> hosts) implements ConsoleStatement {
    public DropShardHosts {
        hosts = List.copyOf(hosts);
    }
}
