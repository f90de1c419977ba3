package dev.shardgate.it.coordinator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code shardgate router|coordinator --config FILE} as its own JVM, so a test can kill it with
 * SIGKILL (nothing runs on the way out: no resign, no close) and start it again on the same ports.
 */
final class ShardgateProcess implements AutoCloseable {
    private final String command;
    private final Path config;
    private final Path log;
    private final int readyPort;
    private Process process;

    private ShardgateProcess(String command, Path config, Path log, int readyPort) {
        this.command = command;
        this.config = config;
        this.log = log;
        this.readyPort = readyPort;
    }

    /** Writes the config, starts the process and waits until {@code readyPort} accepts connections. */
    static ShardgateProcess start(String command, Path directory, String name, String yaml, int readyPort) {
        try {
            Path config = directory.resolve(name + ".yaml");
            Files.writeString(config, yaml);
            ShardgateProcess process = new ShardgateProcess(command, config, directory.resolve(name + ".log"), readyPort);
            process.start();
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void start() {
        String java = ProcessHandle.current().info().command().orElse("java");
        try {
            process = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), "dev.shardgate.cli.Shardgate",
                    command, "--config", config.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!accepts(readyPort)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(command + " did not start; its log:\n" + logTail());
            }
            sleep(100);
        }
    }

    /** SIGKILL, and wait for the process to be gone. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
