package dev.shardgate.it.harness;

import dev.shardgate.cli.postgres.AuthMethod;
import dev.shardgate.cli.postgres.LocalPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Shards each made of a primary and streaming standbys, owned by one test class: replica tests
 * stop, kill and promote these servers, so unlike {@link PostgresServers} they are never shared.
 * Start them in {@code @BeforeAll} and close them in {@code @AfterAll}; closing stops every server
 * and deletes its directory. Shard indexes count from 0 (shard 0 is {@code sh1} in
 * {@link #routerShardsYaml()}), standby indexes from 0 too.
 */
public final class ReplicatedShards implements AutoCloseable {
    private final List<LocalPostgres> primaries;
    private final List<List<LocalPostgres>> standbys;

    private ReplicatedShards(List<LocalPostgres> primaries, List<List<LocalPostgres>> standbys) {
        this.primaries = primaries;
        this.standbys = standbys;
    }

    /** {@link #start(Path, int, int, AuthMethod)} under the directory {@link RealPostgres} servers use, trusting TCP. */
    public static ReplicatedShards start(int shards, int standbysPerShard) {
        return start(PostgresExtension.BASE_DIR, shards, standbysPerShard, AuthMethod.TRUST);
    }

    /** {@link #start(Path, int, int, AuthMethod)} trusting TCP, e.g. under a {@code @TempDir} (keep it short: unix socket paths). */
    public static ReplicatedShards start(Path baseDir, int shards, int standbysPerShard) {
        return start(baseDir, shards, standbysPerShard, AuthMethod.TRUST);
    }

    /**
     * Starts {@code shards} primaries, each with {@code standbysPerShard} standbys made from it;
     * if any server fails to start, those already running are closed.
     */
    public static ReplicatedShards start(Path baseDir, int shards, int standbysPerShard, AuthMethod auth) {
        if (shards < 1 || standbysPerShard < 0) {
            throw new IllegalArgumentException("need at least one shard and no negative standby count: shards="
                    + shards + " standbysPerShard=" + standbysPerShard);
        }
        ReplicatedShards started = new ReplicatedShards(new ArrayList<>(), new ArrayList<>());
        try {
            for (int shard = 0; shard < shards; shard++) {
                LocalPostgres primary = LocalPostgres.start(baseDir, "sh" + (shard + 1) + "-primary", auth);
                started.primaries.add(primary);
                List<LocalPostgres> ofShard = new ArrayList<>();
                started.standbys.add(ofShard);
                for (int standby = 0; standby < standbysPerShard; standby++) {
                    ofShard.add(LocalPostgres.startStandby(baseDir, "sh" + (shard + 1) + "-standby" + (standby + 1), primary));
                }
            }
            return started;
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
    }

    public int shards() {
        return primaries.size();
    }

    /** The server shard {@code shard} started with as its primary; after a promotion it may be one no longer. */
    public LocalPostgres primary(int shard) {
        return primaries.get(shard);
    }

    public LocalPostgres standby(int shard, int standby) {
        return standbys.get(shard).get(standby);
    }

    public List<LocalPostgres> standbys(int shard) {
        return List.copyOf(standbys.get(shard));
    }

    /** Every server of the shard, primary first. */
    public List<LocalPostgres> servers(int shard) {
        return Stream.concat(Stream.of(primaries.get(shard)), standbys.get(shard).stream()).toList();
    }

    /** The shard's servers as "host:port", primary first. */
    public List<String> hosts(int shard) {
        return servers(shard).stream().map(server -> server.host() + ":" + server.port()).toList();
    }

    /**
     * The shards as a router.yaml {@code shards:} mapping, every server of a shard in its
     * {@code hosts} list (primary first), indented to stand under the key.
     */
    public String routerShardsYaml() {
        StringBuilder yaml = new StringBuilder();
        for (int shard = 0; shard < shards(); shard++) {
            yaml.append("  sh").append(shard + 1).append(":\n    hosts: [")
                    .append(String.join(", ", hosts(shard).stream().map(host -> "'" + host + "'").toList()))
                    .append("]\n");
        }
        return yaml.toString();
    }

    /** Stops every server and deletes its directory, standbys before their primary. Safe to call twice. */
    @Override
    public void close() {
        for (int shard = primaries.size() - 1; shard >= 0; shard--) {
            if (shard < standbys.size()) {
                standbys.get(shard).reversed().forEach(LocalPostgres::close);
            }
            primaries.get(shard).close();
        }
    }

    @Override
    public String toString() {
        return "ReplicatedShards" + primaries + standbys;
    }
}
