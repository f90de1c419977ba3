package dev.shardgate.it.twophase;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code shardgate router --config} in a JVM of its own, with two-phase commit and a QDB file, that
 * a test can kill with SIGKILL and start again on the same configuration.
 */
final class RouterChild implements AutoCloseable {
    private final Path config;
    private final Path log;
    final int port;
    private Process process;

    private RouterChild(Path config, Path log, int port) {
        this.config = config;
        this.log = log;
        this.port = port;
    }

    static RouterChild start(PostgresServers servers, String database) throws IOException {
        Path directory = Files.createTempDirectory("twophase-router");
        Path init = directory.resolve("init.sql");
        Files.writeString(init, BankCluster.METADATA);
        int port = freePort();
        StringBuilder shards = new StringBuilder();
        for (int i = 0; i < servers.size(); i++) {
            LocalPostgres server = servers.get(i);
            shards.append("  sh").append(i + 1).append(":\n    hosts: ['").append(server.host()).append(':')
                    .append(server.port()).append("']\n");
        }
        String yaml = """
                host: 127.0.0.1
                router_port: %d
                admin_console_port: %d
                grpc_api_port: %d
                init_sql: %s
                qdb_file: %s
                commit_strategy: 2pc
                router_id: %s
                log_level: info
                frontend_rules:
                  - db: %s
                    usr: %s
                    pool_mode: TRANSACTION
                    auth_rule:
                      auth_method: ok
                backend_rules:
                  - db: %s
                    usr: %s
                    auth_rule:
                      auth_method: ok
                shards:
                %s""".formatted(port, freePort(), freePort(), init, directory.resolve("qdb.yaml"), BankCluster.ROUTER_ID,
                database, BankCluster.USER, database, BankCluster.USER, shards);
        Path config = directory.resolve("router.yaml");
        Files.writeString(config, yaml);
        RouterChild router = new RouterChild(config, directory.resolve("router.log"), port);
        router.launch();
        // the metadata is in the QDB file now: a second init_sql would create it again, and fail
        Files.writeString(config, yaml.replace("init_sql: " + init + "\n", ""));
        return router;
    }

    /** Starts the router process and waits until it accepts clients (after its recovery). */
    void launch() throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(java, "-Xmx256m", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.shardgate.cli.Shardgate", "router", "--config", config.toString());
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!accepts(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("router did not start; its log:\n" + Files.readString(log));
            }
            sleepMillis(100);
        }
    }

    /** SIGKILL: no shutdown hook, no cleanup, whatever the router was doing. */
    void kill() {
        process.destroyForcibly(); // SIGKILL on Unix
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String logText() throws IOException {
        return Files.readString(log);
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null) {
            kill();
        }
    }
}
