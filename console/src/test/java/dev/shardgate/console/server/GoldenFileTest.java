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

    /**
     * Empty when equal, else a line diff from a longest common subsequence: "-" lines only expected,
     * "+" lines only in psql's output, each change with two lines of context and its line number.
     */
    static Optional<String> diff(List<String> expected, List<String> actual) {
        if (expected.equals(actual)) {
            return Optional.empty();
        }
        int n = expected.size();
        int m = actual.size();
        int[][] common = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                common[i][j] = expected.get(i).equals(actual.get(j))
                        ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        List<String> lines = new ArrayList<>();
        List<Integer> changed = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && expected.get(i).equals(actual.get(j))) {
                lines.add("  " + expected.get(i));
                i++;
                j++;
            } else if (i < n && (j == m || common[i + 1][j] >= common[i][j + 1])) {
                changed.add(lines.size());
                lines.add("- " + expected.get(i++) + "    (expected line " + i + ")");
            } else {
                changed.add(lines.size());
                lines.add("+ " + actual.get(j++) + "    (output line " + j + ")");
            }
        }
        StringBuilder out = new StringBuilder("\n");
        int shownUpTo = -1;
        for (int index : changed) {
            for (int k = Math.max(shownUpTo + 1, index - 2); k <= Math.min(lines.size() - 1, index + 2); k++) {
                if (k > shownUpTo + 1 && shownUpTo >= 0) {
                    out.append("  ...\n");
                }
                out.append(lines.get(k)).append('\n');
                shownUpTo = k;
            }
        }
        return Optional.of(out.toString());
    }
}
