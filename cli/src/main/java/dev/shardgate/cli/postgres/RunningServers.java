package dev.shardgate.cli.postgres;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Servers not closed yet. One JVM shutdown hook closes them and deletes the cluster templates, so
 * a demo interrupted with Ctrl-C or a test run that dies half-way leaves no postmaster and no
 * directory behind.
 */
final class RunningServers {
    private static final Set<LocalPostgres> SERVERS = ConcurrentHashMap.newKeySet();
    private static final Thread HOOK = Thread.ofPlatform().name("shardgate-postgres-shutdown").unstarted(RunningServers::closeAll);

    static {
        try {
            Runtime.getRuntime().addShutdownHook(HOOK);
        } catch (IllegalStateException e) {
            // The JVM is already exiting; whoever starts a server now closes it too.
        }
    }

    private RunningServers() {
    }

    static void track(LocalPostgres server) {
        SERVERS.add(server);
    }

    static void forget(LocalPostgres server) {
        SERVERS.remove(server);
    }

    private static void closeAll() {
        for (LocalPostgres server : List.copyOf(SERVERS)) {
            server.close();
        }
        ClusterTemplate.deleteAll();
    }
}
