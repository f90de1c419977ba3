package dev.shardgate.qdb;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-node etcd for tests and the demo: its own temporary data directory and free loopback ports,
 * started and stopped by the test (and killed by a shutdown hook should the JVM end first). It
 * never uses an etcd already running on the machine. Tests that need etcd fail, naming the Debian
 * package, when the {@code etcd} binary is missing: they are not skipped.
 */
public final class LocalEtcd implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Path directory;
    private final Path binary;
    private final Certificates tls;
    private Path dataDirectory;
    private int clientPort;
    private int peerPort;
    private int metricsPort;
    private Process process;
    private final Thread shutdownHook = new Thread(this::destroyProcess, "local-etcd-stop");

    /**
     * What an etcd serving TLS to clients presents and trusts: with {@code clientCaFile} set it
     * requires a client certificate signed by it (etcd's --client-cert-auth).
     */
    public record Certificates(Path certFile, Path keyFile, Path clientCaFile) {
    }

    private LocalEtcd(Path directory, Path binary, Certificates tls) {
        this.directory = directory;
        this.binary = binary;
        this.tls = tls;
    }

    /** Starts a fresh etcd, ready to answer when this returns. */
    public static LocalEtcd start() {
        return start(null);
    }

    /**
     * Starts a fresh etcd serving clients over TLS ({@link #endpoint} is https); its health is
     * asked on a separate plain-text metrics port.
     */
    public static LocalEtcd startWithTls(Certificates certificates) {
        return start(java.util.Objects.requireNonNull(certificates));
    }

    private static LocalEtcd start(Certificates tls) {
        Path binary = findBinary();
        Path directory;
        try {
            directory = Files.createTempDirectory("shardgate-etcd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LocalEtcd etcd = new LocalEtcd(directory, binary, tls);
        Runtime.getRuntime().addShutdownHook(etcd.shutdownHook);
        try {
            // Free ports are found by binding and releasing them, so another process may take one
            // before etcd binds it: try again with new ports, and a new data directory since a
            // member's data records its peer URL.
            for (int attempt = 1; ; attempt++) {
                etcd.dataDirectory = directory.resolve("data" + attempt);
                etcd.clientPort = freePort();
                etcd.peerPort = freePort();
                etcd.metricsPort = freePort();
                try {
                    etcd.launch();
                    return etcd;
                } catch (IllegalStateException e) {
                    if (attempt == 3) {
                        throw e;
                    }
                }
            }
        } catch (RuntimeException e) {
            etcd.close();
            throw e;
        }
    }

    /** {@code http://127.0.0.1:<port>}, or https with TLS. */
    public String endpoint() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + clientPort;
    }

    public int clientPort() {
        return clientPort;
    }

    public List<String> endpoints() {
        return List.of(endpoint());
    }

    /** Kills etcd as a crash would (SIGKILL) and waits until it is gone; the data stays. */
    public void kill() {
        destroyProcess();
    }

    /** Starts etcd again on the same data directory and ports, after {@link #kill}. */
    public void restart() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("etcd is still running");
        }
        launch();
    }

    /** Kills etcd and removes its data directory. */
    @Override
    public void close() {
        destroyProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is shutting down and runs the hook anyway.
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A leftover temporary directory is no reason to fail a test.
        }
    }

    private void launch() {
        String client = endpoint();
        String peer = "http://127.0.0.1:" + peerPort;
        Path log = directory.resolve("etcd.log");
        List<String> command = new java.util.ArrayList<>(List.of(binary.toString(),
                "--name", "n1",
                "--data-dir", dataDirectory.toString(),
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                "--listen-metrics-urls", healthBase(),
                "--initial-cluster", "n1=" + peer));
        if (tls != null) {
            command.addAll(List.of("--cert-file", tls.certFile().toString(), "--key-file", tls.keyFile().toString()));
            if (tls.clientCaFile() != null) {
                command.addAll(List.of("--trusted-ca-file", tls.clientCaFile().toString(), "--client-cert-auth"));
            }
        }
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + binary, e);
        }
        awaitHealthy(log);
    }

    private void awaitHealthy(Path log) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(healthBase() + "/health")).timeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("etcd exited with status " + process.exitValue() + "; its log:\n" + tail(log));
            }
            try {
                HttpResponse<String> answer = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 && answer.body().contains("\"health\":\"true\"")) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for etcd", e);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for etcd", e);
            }
        }
        destroyProcess();
        throw new IllegalStateException("etcd did not become healthy within " + START_TIMEOUT.toSeconds() + " s; its log:\n" + tail(log));
    }

    /** etcd answers /health on its metrics URL too, in plain text whatever its clients' TLS. */
    private String healthBase() {
        return "http://127.0.0.1:" + metricsPort;
    }

    private synchronized void destroyProcess() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path findBinary() {
        String path = System.getenv().getOrDefault("PATH", "");
        Stream<Path> candidates = Stream.concat(
                Stream.of(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "etcd")),
                Stream.of(Path.of("/usr/bin/etcd")));
        return candidates.filter(Files::isExecutable).findFirst().orElseThrow(() -> new IllegalStateException(
                "etcd is not installed (not on PATH, not /usr/bin/etcd): install it with"
                        + " `apt-get install etcd-server` (scripts/setup does this)"));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
