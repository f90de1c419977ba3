package dev.shardgate.cli.postgres;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A program to run to completion with a deadline, its output captured.
 *
 * <p>initdb and postgres refuse to run as root, so a command marked {@link #asServerUser()} runs
 * through {@code runuser -u postgres --} when this JVM is root, and directly otherwise.
 *
 * @param argv program and arguments; the program should be an absolute path
 * @param environment variables added to the inherited environment, from which libpq's PG* variables
 *     are removed
 * @param input text fed to stdin, or null for an empty stdin
 * @param runsAsServerUser whether the program must run as the PostgreSQL OS user when we are root
 */
public record ExternalCommand(
        List<String> argv, Map<String, String> environment, String input, boolean runsAsServerUser) {

    /** The OS user owning PostgreSQL clusters when we run as root (Debian's packages create it). */
    public static final String SERVER_OS_USER = "postgres";

    private static final boolean RUNNING_AS_ROOT = currentUserIsRoot();

    /** util-linux runuser lives in sbin, which a non-login PATH may lack. */
    private static final String RUNUSER = Stream.of("/usr/sbin/runuser", "/sbin/runuser")
            .filter(path -> Files.isExecutable(Path.of(path)))
            .findFirst()
            .orElse("runuser");

    public ExternalCommand {
        argv = List.copyOf(argv);
        environment = Map.copyOf(environment);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
    }

    public static ExternalCommand of(String... argv) {
        return new ExternalCommand(List.of(argv), Map.of(), null, false);
    }

    public static ExternalCommand of(List<String> argv) {
        return new ExternalCommand(argv, Map.of(), null, false);
    }

    public static boolean runningAsRoot() {
        return RUNNING_AS_ROOT;
    }

    public ExternalCommand withEnvironment(String name, String value) {
        Map<String, String> more = new HashMap<>(environment);
        more.put(name, value);
        return new ExternalCommand(argv, more, input, runsAsServerUser);
    }

    public ExternalCommand withInput(String text) {
        return new ExternalCommand(argv, environment, text, runsAsServerUser);
    }

    public ExternalCommand asServerUser() {
        return new ExternalCommand(argv, environment, input, true);
    }

    /** The command line as it is shown in errors and logs; passwords travel in the environment. */
    public String display() {
        return String.join(" ", argv);
    }

    /**
     * Runs the program and waits for it. A non-zero exit is a normal result; only failing to
     * start the program or passing the deadline throws, after killing the program and its children.
     */
    public ProcessResult run(Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(effectiveArgv());
        // libpq reads PGHOST, PGSSLMODE, PGOPTIONS…; inherited ones must not change what we run.
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        builder.environment().putAll(environment);
        if (runsAsServerUser) {
            // The server user may not be allowed into our working directory; "/" it can enter.
            builder.directory(new File("/"));
        }
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new LocalPostgresException("cannot run " + display() + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> stdout = readAsync(process.getInputStream());
        CompletableFuture<String> stderr = readAsync(process.getErrorStream());
        CompletableFuture.runAsync(() -> feed(process.getOutputStream()), Thread::startVirtualThread);
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killWithChildren(process);
                throw new LocalPostgresException(display() + " did not finish within " + timeout
                        + "\nstderr:\n" + partial(stderr) + "\nstdout:\n" + partial(stdout));
            }
            return new ProcessResult(process.exitValue(), stdout.get(), stderr.get());
        } catch (InterruptedException e) {
            killWithChildren(process);
            Thread.currentThread().interrupt();
            throw new LocalPostgresException("interrupted while running " + display(), e);
        } catch (ExecutionException e) {
            throw new LocalPostgresException("cannot read the output of " + display(), e.getCause());
        }
    }

    private List<String> effectiveArgv() {
        if (runsAsServerUser && RUNNING_AS_ROOT) {
            return Stream.concat(Stream.of(RUNUSER, "-u", SERVER_OS_USER, "--"), argv.stream()).toList();
        }
        return argv;
    }

    private void feed(OutputStream stdin) {
        try (stdin) {
            if (input != null) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // The program exited without reading all of its input; its exit code tells why.
        }
    }

    private static CompletableFuture<String> readAsync(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new LocalPostgresException("cannot read process output", e);
            }
        }, Thread::startVirtualThread);
    }

    private static String partial(CompletableFuture<String> output) {
        try {
            return output.get(2, TimeUnit.SECONDS).strip();
        } catch (Exception e) {
            return "(unavailable)";
        }
    }

    private static void killWithChildren(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static boolean currentUserIsRoot() {
        try {
            // /proc/self belongs to the effective user of this process.
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
