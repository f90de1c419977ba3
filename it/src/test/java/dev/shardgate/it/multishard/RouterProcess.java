package dev.shardgate.it.multishard;

import dev.shardgate.cli.postgres.LocalPostgres;
import dev.shardgate.it.harness.PostgresServers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code shardgate router --config} in a JVM of its own, with a heap limit: a test of memory bounds
 * must not share its heap with the test's own data.
 */
final class RouterProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    final int port;

    private RouterProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static RouterProcess start(PostgresServers servers, String database, String metadata, String maxHeap) throws IOException {
        Path directory = Files.createTempDirectory("multishard-router");
        Path init = directory.resolve("init.sql");
        Files.writeString(init, metadata);
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
                %s""".formatted(port, freePort(), freePort(), init, database, ShardedCluster.USER, database,
                ShardedCluster.USER, shards);
        Path config = directory.resolve("router.yaml");
        Files.writeString(config, yaml);
        Path log = directory.resolve("router.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + maxHeap, "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "dev.shardgate.cli.Shardgate", "router", "--config", config.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        RouterProcess router = new RouterProcess(process, log, port);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!accepts(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                router.close();
                throw new IllegalStateException("router did not start; its log:\n" + Files.readString(log));
            }
            sleepMillis(100);
        }
        return router;
    }

    boolean isAlive() {
        return process.isAlive();
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

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
