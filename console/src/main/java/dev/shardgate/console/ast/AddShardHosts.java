package dev.shardgate.console.ast;

import java.util.List;

/**
 * {@code ALTER SHARD id ADD HOST 'h:p'[, …]}.
 *
 * @param hosts as written, {@code host:port}; the executor checks them
 */
public record AddShardHosts(String id, List<String> hosts) implements ConsoleStatement {
    public AddShardHosts {
        hosts = List.copyOf(hosts);
    }
}
