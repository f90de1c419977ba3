package dev.shardgate.it.harness;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/**
 * {@code shardgate router|coordinator --config FILE} as its own JVM, so a test can kill it with
 * SIGKILL (nothing runs on the way out: no resign, no close) and start it again on the same ports.
 * Its output goes to a log file that failures quote.
 */
public final class ShardgateProcess implements AutoCloseable {
    private final String command;
    private final Path config;
    private final Path log;
    private final int readyPort;
    private final List<String> jvmOptions;
    private boolean eventLoopFlags = true;
    private List<String> launcher = List.of();
    /** bin/shardgate and the jar it runs, when started as an operator starts it; else null. */
    private Path launcherScript;
    private Path jar;
    private Process process;

    private ShardgateProcess(String command, Path config, Path log, int readyPort, List<String> jvmOptions) {
        this.command = command;
        this.config = config;
        this.log = log;
        this.readyPort = readyPort;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** Writes {@code name.yaml} into the directory, starts the process and waits until {@code readyPort} accepts connections. */
    public static ShardgateProcess start(String command, Path directory, String name, String yaml, int readyPort) {
        ShardgateProcess process = prepare(command, directory, name, yaml, readyPort, List.of());
        process.start();
        return process;
    }

    /** As {@link #start}, without starting: for JVM options, or an environment given to {@link #start(Map)}. */
    public static ShardgateProcess prepare(String command, Path directory, String name, String yaml, int readyPort,
                                           List<String> jvmOptions) {
        try {
            Path config = directory.resolve(name + ".yaml");
            Files.writeString(config, yaml);
            return new ShardgateProcess(command, config, directory.resolve(name + ".log"), readyPort, jvmOptions);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void start() {
        start(Map.of());
    }

    /**
     * A router.yaml for one database and user that the router and the shards trust, in transaction
     * pooling, on 127.0.0.1:{@code port} with free console and gRPC ports; {@code extraKeys} (whole
     * top-level lines, or empty) go before the rules.
     */
    public static String trustingRouterYaml(int port, String database, String user, String extraKeys, String shardsYaml) {
        return """
                host: 127.0.0.1
                router_port: %d
                admin_console_port: %d
                grpc_api_port: %d
                log_level: info
                %s
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
                %s""".formatted(port, freePort(), freePort(), extraKeys.strip(), database, user, database, user, shardsYaml);
    }

    /** What the shardgate jar's manifest grants: native access, and the JDK internals of the router's event loops. */
    public static final List<String> JVM_FLAGS = List.of("--enable-native-access=ALL-UNNAMED",
            "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED");

    /** Launches without the event loops' JDK internals (only native access), as {@code java -cp} with no flags would. */
    public ShardgateProcess withoutEventLoopFlags() {
        eventLoopFlags = false;
        return this;
    }

    /** Runs the JVM through {@code command} (say {@code prlimit --nofile=300:300 --}), which execs what follows it. */
    public ShardgateProcess withLauncher(List<String> command) {
        launcher = List.copyOf(command);
        return this;
    }

    /**
     * Runs {@code script} (bin/shardgate) with {@code jar} as SHARDGATE_JAR and this JVM's JDK as
     * JAVA_HOME; JVM options then come from the launcher and from a JAVA_OPTS given to {@link #start(Map)}.
     */
    public ShardgateProcess throughLauncherScript(Path script, Path jar) {
        this.launcherScript = script;
        this.jar = jar;
        return this;
    }

    /** Starts (again), with {@code environment} added, and waits until the ready port accepts connections. */
    public void start(Map<String, String> environment) {
        List<String> line = new ArrayList<>(launcher);
        if (launcherScript != null) {
            line.addAll(List.of(launcherScript.toString(), command, "--config", config.toString()));
        } else {
            line.add(ProcessHandle.current().info().command().orElse("java"));
            line.addAll(eventLoopFlags ? JVM_FLAGS : JVM_FLAGS.subList(0, 1));
            line.addAll(jvmOptions);
            line.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.shardgate.cli.Shardgate",
                    command, "--config", config.toString()));
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(line)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            if (launcherScript != null) {
                builder.environment().remove("JAVA_OPTS");
                builder.environment().remove("SHARDGATE_JAVA_DEFAULTS");
                builder.environment().put("SHARDGATE_JAR", jar.toString());
                builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
            }
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!accepts(readyPort)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not start; its log:\n" + logTail());
            }
            sleep(100);
        }
    }

    /** The config file, for a test that changes it before a restart. */
    public Path config() {
        return config;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL, and wait for the process to be gone. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The whole log (every start appends to it). */
    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public String logTail() {
        List<String> lines = logText().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    public static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A port free to listen on, taken below Linux's ephemeral range (32768–60999): a port the kernel
     * hands out to outgoing connections can be taken by one between this check and the child's bind.
     */
    public static int freePort() {
        return freePorts(1);
    }

    /**
     * A jar like shardgate.jar for bin/shardgate (and scripts that start routers through it), without the shading: its manifest names the main
     * class, grants what shardgate.jar's grants, and puts this test's class path on its Class-Path.
     */
    public static Path classPathJar(Path directory) throws IOException {
        Manifest manifest = new Manifest();
        Attributes attributes = manifest.getMainAttributes();
        attributes.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        attributes.put(Attributes.Name.MAIN_CLASS, "dev.shardgate.cli.Shardgate");
        attributes.put(new Attributes.Name("Enable-Native-Access"), "ALL-UNNAMED");
        attributes.put(new Attributes.Name("Add-Opens"), "java.base/java.lang");
        attributes.put(new Attributes.Name("Add-Exports"), "java.base/sun.nio.ch");
        attributes.put(Attributes.Name.CLASS_PATH, Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(entry -> Path.of(entry).toUri().toString()).collect(Collectors.joining(" ")));
        Path jar = directory.resolve("shardgate.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            out.flush();
        }
        return jar;
    }

    /** The first of {@code count} consecutive free ports, as {@link #freePort()} chooses them. */
    public static synchronized int freePorts(int count) {
        for (int attempt = 0; attempt < 2_000; attempt++) {
            int first = nextPort;
            nextPort += count;
            if (nextPort + count >= LAST_PORT) {
                nextPort = FIRST_PORT;
            }
            if (listenable(first, count)) {
                return first;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports in " + FIRST_PORT + "–" + LAST_PORT);
    }

    private static final int FIRST_PORT = 20_000;
    private static final int LAST_PORT = 32_000;
    private static int nextPort = FIRST_PORT + (int) ((ProcessHandle.current().pid() * 7919L) % (LAST_PORT - FIRST_PORT));

    private static boolean listenable(int first, int count) {
        for (int port = first; port < first + count; port++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress("0.0.0.0", port));
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGHUP, as {@code systemctl reload} or an operator sends it: the process re-reads its config file. */
    public void hangUp() {
        try {
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -HUP " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM, as a service manager stops the process, without waiting for it to end. */
    public void terminate() {
        process.destroy();
    }

    /** Waits up to {@code timeout} for the process to end; false if it still runs. */
    public boolean waitForExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** SIGTERM, then SIGKILL after 10 s. */
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
