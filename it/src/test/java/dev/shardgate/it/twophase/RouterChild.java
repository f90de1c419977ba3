package dev.shardgate.it.twophase;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.ShardgateProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code shardgate router --config} in a JVM of its own, with two-phase commit and a QDB file (or
 * fed by a coordinator), that a test can kill with SIGKILL and start again on the same configuration.
 */
final class RouterChild implements AutoCloseable {
    private final ShardgateProcess process;
    final int port;
    final int consolePort;

    private RouterChild(ShardgateProcess process, int port, int consolePort) {
        this.process = process;
        this.port = port;
        this.consolePort = consolePort;
    }

    static RouterChild start(PostgresServers servers, String database) throws IOException {
        Path directory = Files.createTempDirectory("twophase-router");
        Path init = directory.resolve("init.sql");
        Files.writeString(init, BankCluster.METADATA);
        String own = """
                grpc_api_port: %d
                init_sql: %s
                qdb_file: %s
                shards:
                %s""".formatted(ShardgateProcess.freePort(), init, directory.resolve("qdb.yaml"), servers.routerShardsYaml());
        RouterChild router = launch(directory, database, own);
        // the metadata is in the QDB file now: a second init_sql would create it again, and fail
        Files.writeString(router.process.config(), Files.readString(router.process.config())
                .replace("init_sql: " + init + "\n", ""));
        return router;
    }

    /**
     * A router with {@code with_coordinator: true}: its metadata comes from the coordinator whose
     * gRPC API is at {@code coordinatorGrpcPort}, and its commit decisions live in that coordinator's
     * QDB. It listens for the coordinator on {@code grpcApiPort}, the same across restarts.
     */
    static RouterChild startFedBy(int coordinatorGrpcPort, int grpcApiPort, String database) throws IOException {
        String own = """
                grpc_api_port: %d
                with_coordinator: true
                coordinator_address: 127.0.0.1:%d
                """.formatted(grpcApiPort, coordinatorGrpcPort);
        return launch(Files.createTempDirectory("twophase-fed-router"), database, own);
    }

    /** Two-phase commit for {@code database}, a console, and the variant's own keys. */
    private static RouterChild launch(Path directory, String database, String ownKeys) {
        int port = ShardgateProcess.freePort();
        int consolePort = ShardgateProcess.freePort();
        String yaml = """
                host: 127.0.0.1
                router_port: %d
                admin_console_port: %d
                commit_strategy: 2pc
                router_id: %s
                log_level: info
                frontend_rules:
                  - db: %s
                    usr: %s
                    pool_mode: TRANSACTION
                    auth_rule:
                      auth_method: ok
                  - db: spqr-console
                    usr: %s
                    auth_rule:
                      auth_method: ok
                backend_rules:
                  - db: %s
                    usr: %s
                    auth_rule:
                      auth_method: ok
                """.formatted(port, consolePort, BankCluster.ROUTER_ID, database, BankCluster.USER, BankCluster.USER,
                database, BankCluster.USER) + ownKeys;
        ShardgateProcess process = ShardgateProcess.prepare("router", directory, "router", yaml, port, List.of("-Xmx256m"));
        RouterChild router = new RouterChild(process, port, consolePort);
        router.launch();
        return router;
    }

    /** Starts the router process and waits until it accepts clients (after its recovery). */
    void launch() {
        process.start();
    }

    /** SIGKILL: no shutdown hook, no cleanup, whatever the router was doing. */
    void kill() {
        process.kill();
    }

    String logText() {
        return process.logText();
    }

    /** Sleeps; an interrupt (the test stopping its clients) ends the sleep early and stays set. */
    static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.kill();
        }
    }
}
