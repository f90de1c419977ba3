package dev.shardgate.router.twophase;

import dev.shardgate.qdb.KeyValues;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Commit decisions in the QDB's key-value area: {@code 2pc/<gid>} = {@code commit:<shard>,<shard>}.
 * A decision is written after every shard prepared and before any commits, and deleted once every
 * shard committed: a prepared transaction with a decision must commit, one without must roll back.
 */
public final class CommitDecisions {
    private static final String PREFIX = "2pc/";
    private static final String COMMIT = "commit:";

    private final KeyValues qdb;

    public CommitDecisions(KeyValues qdb) {
        this.qdb = qdb;
    }

    /** Durably: once this returns, the transaction is committed, whatever happens to the router. */
    public void recordCommit(String gid, List<String> shards) {
        qdb.put(PREFIX + gid, (COMMIT + String.join(",", shards)).getBytes(StandardCharsets.UTF_8));
    }

    public void forget(String gid) {
        qdb.delete(PREFIX + gid);
    }

    /**
     * The recorded commit decisions of transactions whose name starts with {@code gidPrefix} (one
     * router's: routers fed by one coordinator share its QDB): gid to the shards that prepared it.
     */
    public SortedMap<String, List<String>> all(String gidPrefix) {
        SortedMap<String, List<String>> decisions = new TreeMap<>();
        for (Map.Entry<String, byte[]> entry : qdb.scan(PREFIX + gidPrefix).entrySet()) {
            String value = new String(entry.getValue(), StandardCharsets.UTF_8);
            String shards = value.startsWith(COMMIT) ? value.substring(COMMIT.length()) : "";
            decisions.put(entry.getKey().substring(PREFIX.length()),
                    shards.isEmpty() ? List.of() : Arrays.asList(shards.split(",")));
        }
        return decisions;
    }
}
