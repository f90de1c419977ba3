package dev.shardgate.router.status;

import dev.shardgate.console.http.Readiness;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.Shard;
import dev.shardgate.qdb.MirrorQdb;
import dev.shardgate.router.RouterContext;
import dev.shardgate.router.backend.BackendAddress;
import dev.shardgate.router.pool.PoolStats;
import dev.shardgate.router.pool.Pools;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;

/**
 * {@code /readyz} of a router: it is ready when it accepts clients, holds metadata (from the
 * coordinator, when it has one) and every shard has a host that takes connections. A shard counts
 * as unreachable when a pool of it failed to connect to every host within {@link #UNREACHABLE_WINDOW},
 * or when no host of it accepts a TCP connection within {@link #PROBE_TIMEOUT} now — the probe is
 * what notices a shard that went away while no client used it.
 *
 * <p>{@link #shardProblem} is the one place to ask the pool layer's own host health checks, once
 * it has them, instead of probing.
 */
public final class RouterReadiness implements Readiness {
    static final Duration UNREACHABLE_WINDOW = Duration.ofSeconds(5);
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private final RouterContext context;
    private final LiveStatus status;

    public RouterReadiness(RouterContext context, LiveStatus status) {
        this.context = context;
        this.status = status;
    }

    @Override
    public String notReadyBecause() {
        if (!"OPEN".equals(status.status()) || context.isClosed()) {
            return "router is shutting down";
        }
        if (context.qdb() instanceof MirrorQdb mirror && mirror.position().storeId().isEmpty()) {
            return "no metadata from the coordinator yet";
        }
        Metadata metadata = context.metadata();
        if (metadata.shards().isEmpty() && context.config().shards().isEmpty()) {
            return "the router has no shards";
        }
        for (String shard : shardIds(metadata)) {
            String problem = shardProblem(shard, hostsOf(shard, metadata));
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private List<String> shardIds(Metadata metadata) {
        var ids = new java.util.LinkedHashSet<>(context.config().shards().keySet());
        ids.addAll(metadata.shards().keySet());
        return List.copyOf(ids);
    }

    private List<String> hostsOf(String shard, Metadata metadata) {
        return Pools.hostsOf(shard, metadata, context.config());
    }

    /** Null when the shard has a usable host, else why not, naming the shard and its hosts. */
    private String shardProblem(String shard, List<String> hosts) {
        if (hosts.isEmpty()) {
            return "shard \"" + shard + "\" has no hosts";
        }
        for (PoolStats pool : context.pools().stats()) {
            if (pool.key().shard().equals(shard) && context.pools()
                    .pool(shard, pool.key().database(), pool.key().user()).recentlyUnreachable(UNREACHABLE_WINDOW)) {
                return "shard \"" + shard + "\" unreachable: its pool " + pool.key() + " could not connect to any of "
                        + hosts + " in the last " + UNREACHABLE_WINDOW.toSeconds() + " s";
            }
        }
        String lastError = null;
        for (String host : hosts) {
            BackendAddress address = BackendAddress.parse(shard, host);
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address.host(), address.port()), (int) PROBE_TIMEOUT.toMillis());
                return null;
            } catch (IOException e) {
                lastError = host + ": " + e.getMessage();
            }
        }
        return "shard \"" + shard + "\" unreachable: no host accepts connections (" + lastError + ")";
    }
}
