package dev.shardgate.it.harness;

import dev.shardgate.cli.postgres.AuthMethod;
import dev.shardgate.cli.postgres.LocalPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Running PostgreSQL servers handed to a test by {@link RealPostgres}; index 0 is the first. */
public final class PostgresServers implements AutoCloseable {
    private final List<LocalPostgres> servers;

    private PostgresServers(List<LocalPostgres> servers) {
        this.servers = List.copyOf(servers);
    }

    /** Starts {@code count} servers; if one fails to start, those already running are closed. */
    static PostgresServers start(Path baseDir, int count, AuthMethod auth, java.util.Map<String, String> settings) {
        List<LocalPostgres> started = new ArrayList<>();
        // servers with other settings get directories of their own
        String variant = settings.isEmpty() ? "" : "-s" + Integer.toHexString(settings.hashCode());
        try {
            for (int i = 0; i < count; i++) {
                started.add(LocalPostgres.start(baseDir, "it-" + auth.name().toLowerCase() + variant + "-" + i, auth, settings));
            }
            return new PostgresServers(started);
        } catch (RuntimeException e) {
            started.forEach(LocalPostgres::close);
            throw e;
        }
    }

    public LocalPostgres get(int index) {
        return servers.get(index);
    }

    public int size() {
        return servers.size();
    }

    /**
     * The servers as a router.yaml {@code shards:} mapping, {@code sh1} being the first, indented
     * to stand under the key.
     */
    public String routerShardsYaml() {
        StringBuilder shards = new StringBuilder();
        for (int i = 0; i < size(); i++) {
            LocalPostgres server = get(i);
            shards.append("  sh").append(i + 1).append(":\n    hosts: ['").append(server.host()).append(':')
                    .append(server.port()).append("']\n");
        }
        return shards.toString();
    }

    public List<LocalPostgres> all() {
        return servers;
    }

    /** Called by JUnit at the end of the test run, whatever the outcome of the tests. */
    @Override
    public void close() {
        servers.reversed().forEach(LocalPostgres::close);
    }

    @Override
    public String toString() {
        return "PostgresServers" + servers;
    }
}
