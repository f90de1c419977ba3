package dev.shardgate.it.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.it.harness.ShardgateProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench/pgbench-compare --standby-reads 2} in a smoke form (scale 1, one round of 1 s runs):
 * the mode sets up a primary, two streaming standbys and its routers, runs every target to the end,
 * and its routers send the reads where their configuration says — prefer-standby to both standbys
 * and never to the primary, read-write to the primary only. No figure is checked: a second of
 * pgbench on a shared machine measures nothing.
 */
@Timeout(900)
class PgbenchCompareStandbyReadsTest {
    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theStandbyReadsModeRunsAndEachRouterReadsFromTheHostsItAsksFor(@TempDir Path directory) throws Exception {
        Path results = directory.resolve("results");
        Path output = directory.resolve("pgbench-compare.log");
        ProcessBuilder builder = new ProcessBuilder(REPOSITORY.resolve("bench/pgbench-compare").toString(),
                "--standby-reads", "2", "-s", "1", "-T", "1", "-r", "1", "-c", "4", "-M", "simple", "--warmup", "1",
                "-o", results.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("SHARDGATE_JAR", ShardgateProcess.classPathJar(directory).toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));

        int exit = builder.start().waitFor();

        assertThat(exit).as("exit code of bench/pgbench-compare; its output:\n%s", Files.readString(output)).isZero();
        String summary = Files.readString(results.resolve("summary.md"));
        for (String target : List.of("direct", "sg-primary", "sg-standbys", "sg-all-hosts")) {
            assertThat(summary).as(summary).containsPattern("\\| simple \\| 4 \\| " + target + " \\| [0-9]+ \\|");
        }
        Map<String, Long> served = transactionsByRouterAndServer(results.resolve("reads.csv"));
        assertThat(served.get("sg-standbys direct-standby1")).as(served.toString()).isPositive();
        assertThat(served.get("sg-standbys direct-standby2")).as(served.toString()).isPositive();
        assertThat(served.getOrDefault("sg-standbys direct", 0L)).as(served.toString()).isZero();
        assertThat(served.get("sg-primary direct")).as(served.toString()).isPositive();
        assertThat(served.get("sg-all-hosts direct")).as(served.toString()).isPositive();
        assertThat(served.getOrDefault("sg-all-hosts direct-standby1", 0L) + served.getOrDefault("sg-all-hosts direct-standby2", 0L))
                .as(served.toString()).isZero();
    }

    /** reads.csv (round,protocol,clients,target,server,host,transactions) summed by "target server". */
    private static Map<String, Long> transactionsByRouterAndServer(Path readsCsv) throws Exception {
        return Files.readAllLines(readsCsv).stream().skip(1).map(line -> line.split(","))
                .collect(Collectors.groupingBy(field -> field[3] + " " + field[4],
                        Collectors.summingLong(field -> Long.parseLong(field[6]))));
    }
}
