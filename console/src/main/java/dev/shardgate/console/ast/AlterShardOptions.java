package dev.shardgate.console.ast;

import java.util.List;

/**
 * SPQR's {@code ALTER SHARD sh OPTIONS (ADD HOST 'h:p', DROP HOST 'h:p', SET HOST 'h:p', HOST 'h:p')}:
 * ADD and DROP change the host list; SET (or no action) hosts, if any, replace it.
 */
public record AlterShardOptions(String id, List<HostOption> options) implements ConsoleStatement {
    public AlterShardOptions {
        options = List.copyOf(options);
    }

    public enum Action { ADD, DROP, SET }

    public record HostOption(Action action, String host) {
    }
}
