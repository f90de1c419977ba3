package dev.shardgate.it.differential;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.DefaultRouteBehaviour;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The developers' long run, started by {@code scripts/difftest} (skipped otherwise): seeds, statement
 * count, route behaviour, collation and features come from system properties {@code difftest.*}.
 * The report (every WRONG, then match / refused / wrong per feature) goes to standard output and to
 * {@code it/target/difftest-report.txt}.
 */
@RealPostgres(servers = 3)
@EnabledIfSystemProperty(named = "difftest", matches = "run")
class DifferentialLongRunTest {

    @Test
    void longRun(PostgresServers servers) throws Exception {
        Mode mode = new Mode(DefaultRouteBehaviour.valueOf(property("behaviour", "ALLOW").toUpperCase(Locale.ROOT)),
                Mode.Collation.valueOf(property("collation", "C").toUpperCase(Locale.ROOT)));
        int cases = Integer.parseInt(property("statements", "1000"));
        Set<Feature> features = Feature.parse(property("features", "all"));
        Path report = Path.of("target", "difftest-report.txt");
        Files.createDirectories(report.getParent());
        try (OutputStream file = Files.newOutputStream(report);
             PrintStream out = new PrintStream(new Tee(file, System.out), true, StandardCharsets.UTF_8);
             DifferentialCluster cluster = DifferentialCluster.start(servers, mode)) {
            for (String seed : property("seed", "1").split(",")) {
                out.printf("== seed %s, %s, %d statements, features %s%n%n", seed.strip(), mode, cases, features);
                Tally tally = new DifferentialRun(cluster, Long.parseLong(seed.strip()), features, out)
                        .traced(Boolean.parseBoolean(property("trace", "false"))).run(cases);
                out.printf("== seed %s, %s: match / refused / wrong%n%s%n", seed.strip(), mode, tally.table());
            }
        }
    }

    private static String property(String name, String otherwise) {
        String value = System.getProperty("difftest." + name);
        return value == null || value.isBlank() ? otherwise : value;
    }

    /** Writes to a file and to the console at once. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            first.flush();
            second.flush();
        }
    }
}
