package dev.shardgate.console.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.console.exec.ConsoleExecutor;
import dev.shardgate.qdb.MemoryQdb;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every {@code golden/*.sql} through the real psql against a console on a fresh MemoryQdb and
 * compares psql's output, stdout and stderr as one stream, with the {@code .out} file next to it.
 * {@code -Dgolden.update=true} rewrites the {@code .out} files instead; read them before committing.
 */
class GoldenFileTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final Path PSQL = Path.of("/usr/bin/psql");
    private static final boolean UPDATE = Boolean.getBoolean("golden.update");

    @TestFactory
    Stream<DynamicTest> goldenFiles() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(PSQL), "psql is not installed");
        List<Path> scripts;
        try (Stream<Path> files = Files.list(GOLDEN)) {
            scripts = files.filter(file -> file.toString().endsWith(".sql")).sorted().toList();
        }
        assertThat(scripts).isNotEmpty();
        return scripts.stream().map(script -> DynamicTest.dynamicTest(script.getFileName().toString(), () -> check(script)));
    }

    private static void check(Path script) throws Exception {
        String actual = runPsql(script);
        Path expectedFile = Path.of(script.toString().replaceFirst("\\.sql$", ".out"));
        if (UPDATE) {
            Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
            return;
        }
        assertThat(expectedFile).as("golden file for %s", script).exists();
        String expected = Files.readString(expectedFile, StandardCharsets.UTF_8);
        Optional<String> diff = diff(expected.lines().toList(), actual.lines().toList());
        assertThat(diff).as("psql output of %s differs from %s", script.getFileName(), expectedFile.getFileName())
                .isEmpty();
    }

    private static String runPsql(Path script) throws Exception {
        var executor = new ConsoleExecutor(new MemoryQdb(), new StatusFixture());
        try (var server = ConsoleServer.start("127.0.0.1", 0, (user, database) -> Optional.of(ConsoleAccess.Rule.trust()),
                executor)) {
            // Run from the script's directory so psql names it by file name alone in its messages.
            var process = new ProcessBuilder(PSQL.toString(), "-X", "-a", "-v", "ON_ERROR_STOP=0",
                    "-v", "VERBOSITY=verbose", "-h", "127.0.0.1", "-p", Integer.toString(server.port()),
                    "-U", "admin", "-d", "console", "-f", script.getFileName().toString())
                    .directory(script.getParent().toFile())
                    .redirectErrorStream(true);
            process.environment().put("PGSSLMODE", "disable");
            process.environment().put("PGCONNECT_TIMEOUT", "10");
            process.environment().remove("PGPASSWORD");
            process.environment().remove("PGSERVICE");
            process.environment().put("LC_ALL", "C");
            Process psql = process.start();
            psql.getOutputStream().close();
            byte[] output = psql.getInputStream().readAllBytes();
            assertThat(psql.waitFor(60, TimeUnit.SECONDS)).as("psql finished").isTrue();
            return new String(output, StandardCharsets.UTF_8);
        }
    }

    /** Empty when equal, else the first differing lines with some context, as a unified-style listing. */
    static Optional<String> diff(List<String> expected, List<String> actual) {
        int first = 0;
        while (first < expected.size() && first < actual.size() && expected.get(first).equals(actual.get(first))) {
            first++;
        }
        if (first == expected.size() && first == actual.size()) {
            return Optional.empty();
        }
        int lastExpected = expected.size() - 1;
        int lastActual = actual.size() - 1;
        while (lastExpected >= first && lastActual >= first && expected.get(lastExpected).equals(actual.get(lastActual))) {
            lastExpected--;
            lastActual--;
        }
        List<String> out = new ArrayList<>();
        out.add("@@ line " + (first + 1) + " @@");
        for (int i = Math.max(0, first - 3); i < first; i++) {
            out.add("  " + expected.get(i));
        }
        for (int i = first; i <= lastExpected; i++) {
            out.add("- " + expected.get(i));
        }
        for (int i = first; i <= lastActual; i++) {
            out.add("+ " + actual.get(i));
        }
        return Optional.of("\n" + String.join("\n", out));
    }
}
