package dev.shardgate.it.multishard;

import dev.shardgate.it.harness.PostgresServers;

import dev.shardgate.it.harness.ShardgateProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code shardgate router --config} in a JVM of its own, with a heap limit: a test of memory bounds
 * must not share its heap with the test's own data.
 */
final class RouterProcess implements AutoCloseable {
    private final ShardgateProcess process;
    final int port;

    private RouterProcess(ShardgateProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    static RouterProcess start(PostgresServers servers, String database, String metadata, String maxHeap) throws IOException {
        return start(servers, database, metadata, maxHeap, "");
    }

    /** @param extraKeys further top-level lines of router.yaml, or empty */
    static RouterProcess start(PostgresServers servers, String database, String metadata, String maxHeap, String extraKeys)
            throws IOException {
        Path directory = Files.createTempDirectory("multishard-router");
        Path init = directory.resolve("init.sql");
        Files.writeString(init, metadata);
        int port = ShardgateProcess.freePort();
        String shards = servers.routerShardsYaml();
        String yaml = ShardgateProcess.trustingRouterYaml(port, database, ShardedCluster.USER, "init_sql: " + init + "\n" + extraKeys, shards);
        ShardgateProcess process = ShardgateProcess.prepare("router", directory, "router", yaml, port,
                List.of("-Xmx" + maxHeap));
        process.start();
        return new RouterProcess(process, port);
    }

    /** SIGTERM, not waiting: the router drains its clients and exits on its own. */
    void terminate() {
        process.terminate();
    }

    boolean waitForExit(java.time.Duration timeout) {
        return process.waitForExit(timeout);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String logText() {
        return process.logText();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.kill();
        }
    }
}
