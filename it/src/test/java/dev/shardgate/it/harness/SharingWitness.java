package dev.shardgate.it.harness;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Remembers the ports the first test class saw, so later classes can check they share them. */
final class SharingWitness {
    private static final Map<String, List<Integer>> FIRST_SEEN = new ConcurrentHashMap<>();

    private SharingWitness() {
    }

    /** The ports first recorded under {@code request}; these ports if this is the first time. */
    static List<Integer> portsFirstSeen(String request, PostgresServers servers) {
        List<Integer> ports = servers.all().stream().map(server -> server.port()).toList();
        return FIRST_SEEN.computeIfAbsent(request, ignored -> ports);
    }
}
