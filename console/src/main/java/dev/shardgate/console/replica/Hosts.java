package dev.shardgate.console.replica;

import dev.shardgate.meta.Shard;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.List;
import java.util.stream.Collectors;

/** Checks and messages about a shard's hosts shared by failover and switchover. */
final class Hosts {
    private Hosts() {
    }

    /** @throws PgException 42704 when the shard's list does not name the host */
    static void requireHostOf(Shard shard, String host) {
        if (!shard.hosts().contains(host)) {
            throw new PgException(SqlState.UNDEFINED_OBJECT,
                    "host " + quote(host) + " of shard " + quote(shard.id()) + " does not exist")
                    .withDetail("Shard " + quote(shard.id()) + " has hosts " + String.join(", ", shard.hosts()) + ".");
        }
    }

    /** @throws PgException 55000 naming the host's role or its error when it is not a standby that answers */
    static HostState reachableStandby(Shard shard, List<HostState> states, String host) {
        HostState state = states.stream().filter(s -> s.host().equals(host)).findFirst().orElseThrow();
        if (state.isStandby()) {
            return state;
        }
        String why = state.isReachable() ? "it is a " + state.role().consoleName()
                : state.running() ? "its role is unknown: " + state.error() : "it cannot be reached: " + state.error();
        throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                "host " + quote(host) + " of shard " + quote(shard.id()) + " is not a reachable standby: " + why);
    }

    /** One line per host: {@code a:5432 primary 0/3000148; b:5432 unknown (connection refused)}. */
    static String describe(List<HostState> states) {
        return states.stream()
                .map(s -> s.host() + " " + s.role().consoleName()
                        + (s.isReachable() ? " " + s.lsn() : " (" + s.error() + ")"))
                .collect(Collectors.joining("; "));
    }

    static String quoteAll(List<HostState> states) {
        return states.stream().map(s -> quote(s.host())).collect(Collectors.joining(", "));
    }

    static String quote(String name) {
        return '"' + name + '"';
    }
}
