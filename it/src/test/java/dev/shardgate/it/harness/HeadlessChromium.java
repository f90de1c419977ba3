package dev.shardgate.it.harness;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's {@code chromium} (installed by scripts/setup) run headless: loads a page, lets its
 * scripts run for a while of virtual time (network waits do not count, so fetches complete), then
 * dumps the DOM or takes a screenshot.
 */
public final class HeadlessChromium implements AutoCloseable {
    /** Virtual time the page's scripts get: enough for the dashboard's first polls. */
    private static final int VIRTUAL_TIME_MILLIS = 5000;
    private static final long TIMEOUT_SECONDS = 90;

    private final Path binary;
    private final Path profile;

    private HeadlessChromium(Path binary, Path profile) {
        this.binary = binary;
        this.profile = profile;
    }

    /**
     * The installed browser. Aborts (skips) the calling test with a message saying so when no
     * chromium is installed, since scripts/setup failed to install it; never silently.
     */
    public static HeadlessChromium installed() throws IOException {
        Optional<Path> found = find();
        if (found.isEmpty()) {
            String message = "SKIPPED: no chromium on PATH; scripts/setup installs Debian's chromium package"
                    + " (apt-get install chromium): the dashboard's browser test needs it";
            System.err.println(message);
            Assumptions.abort(message);
        }
        return new HeadlessChromium(found.get(), Files.createTempDirectory("chromium-profile"));
    }

    private static Optional<Path> find() {
        for (String directory : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path candidate = Path.of(directory, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** The page's DOM after its scripts ran, as HTML. */
    public String dumpDom(String url) throws IOException, InterruptedException {
        return run(List.of("--dump-dom", url));
    }

    /** Saves a PNG of the page after its scripts ran. */
    public void screenshot(String url, Path png, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.deleteIfExists(png);
        run(List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars", url));
        if (!Files.isRegularFile(png) || Files.size(png) == 0) {
            throw new IllegalStateException("chromium wrote no screenshot to " + png);
        }
    }

    /** Removes the browser's throwaway profile. */
    @Override
    public void close() throws IOException {
        try (var paths = Files.walk(profile)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private String run(List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--disable-gpu", "--no-sandbox",
                "--no-first-run", "--user-data-dir=" + profile, "--virtual-time-budget=" + VIRTUAL_TIME_MILLIS));
        command.addAll(arguments);
        Path out = Files.createTempFile("chromium", ".out");
        Path err = Files.createTempFile("chromium", ".err");
        // Output to files, not pipes: a browser that hangs cannot block the test past the timeout.
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("chromium did not finish in " + TIMEOUT_SECONDS + " s: " + command);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("chromium exited with " + process.exitValue() + ": "
                    + Files.readString(err));
        }
        String dom = Files.readString(out, StandardCharsets.UTF_8);
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return dom;
    }
}
