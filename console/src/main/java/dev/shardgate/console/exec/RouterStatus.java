package dev.shardgate.console.exec;

import java.util.List;

/**
 * The live state of the process serving the console, for the SHOW statements that are not about
 * metadata. The router implements it; a process without clients (a coordinator, a test) uses
 * {@link #withoutClients(String)}. Implementations answer from their own thread-safe state: the
 * console calls these from client session threads.
 */
public interface RouterStatus {

    /** Connected clients, for {@code SHOW clients}. */
    List<ClientInfo> clients();

    /** Backend connection pools, for {@code SHOW pools}. */
    List<PoolInfo> pools();

    /** Open backend connections, for {@code SHOW backend_connections}. */
    List<BackendInfo> backendConnections();

    /** Per database, user, shard and route kind: what clients did, for {@code SHOW stats}; empty without clients. */
    default List<StatsInfo> stats() {
        return List.of();
    }

    /** Hosts of the shards with role and health, for {@code SHOW hosts}; none where nothing checks them. */
    default List<HostInfo> hosts() {
        return List.of();
    }

    /** Shards whose new transactions wait (PAUSE, a switchover), for {@code SHOW pauses}. */
    default List<PauseInfo> pauses() {
        return List.of();
    }

    /** The backend rules, for {@code SHOW users}; none where no router config is loaded. */
    default List<UserInfo> users() {
        return List.of();
    }

    /**
     * What a shard's section of the config file says besides its hosts ({@code db}, {@code user},
     * {@code password} masked), for {@code SHOW shards_extended}; none by default.
     */
    default java.util.Map<String, String> shardOptions(String shardId) {
        return java.util.Map.of();
    }

    /** The configuration file's keys as it reads now, for {@code SHOW file_settings}; none without a file. */
    default List<FileSetting> fileSettings() {
        return List.of();
    }

    /** Mean times of finished key range moves, for {@code SHOW move_stats}; none where nothing moves data. */
    default List<MoveStatInfo> moveStats() {
        return List.of();
    }

    /** Two-phase transactions with a recorded commit decision, for {@code SHOW two_phase_tx}. */
    default List<TwoPhaseInfo> twoPhaseTransactions() {
        return List.of();
    }

    /** For {@code SHOW version}, e.g. {@code Shardgate 0.1.0}. */
    String version();

    /** For {@code SHOW status}: whether the router accepts clients, e.g. {@code OPEN} or {@code CLOSED}. */
    String status();

    /** A process that serves no clients and holds no pools: every list is empty, status is OPEN. */
    static RouterStatus withoutClients(String version) {
        return new RouterStatus() {
            @Override
            public List<ClientInfo> clients() {
                return List.of();
            }

            @Override
            public List<PoolInfo> pools() {
                return List.of();
            }

            @Override
            public List<BackendInfo> backendConnections() {
                return List.of();
            }

            @Override
            public String version() {
                return version;
            }

            @Override
            public String status() {
                return "OPEN";
            }
        };
    }
}
