package dev.shardgate.it.differential;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.router.config.DefaultRouteBehaviour;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A short seeded differential run over the features that already pass ({@link Feature#quickRun()}),
 * in both route behaviours and both collations: every statement must match PostgreSQL or be
 * refused with 0A000. A WRONG prints everything needed to reproduce it with {@code scripts/difftest}.
 */
@RealPostgres(servers = 3)
class DifferentialQuickTest {
    private static final long SEED = 20261206L;
    private static final int CASES = 600;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"ALLOW, C", "BLOCK, ICU", "ALLOW, ICU", "BLOCK, C"})
    void everyStatementMatchesPostgresOrIsRefused(DefaultRouteBehaviour behaviour, Mode.Collation collation, PostgresServers servers)
            throws Exception {
        Mode mode = new Mode(behaviour, collation);
        ByteArrayOutputStream wrongs = new ByteArrayOutputStream();
        Tally tally;
        try (DifferentialCluster cluster = DifferentialCluster.start(servers, mode);
             PrintStream out = new PrintStream(wrongs, true, StandardCharsets.UTF_8)) {
            tally = new DifferentialRun(cluster, SEED, Feature.quickRun(), out).run(CASES);
        }
        System.out.println("differential quick run " + mode + " seed " + SEED + "\n" + tally.table());
        String rerun = "scripts/difftest --seed " + SEED + " --statements " + CASES + " --behaviour " + behaviour + " --collation " + collation
                + " --features " + Feature.quickRun().stream().map(f -> f.name().toLowerCase(java.util.Locale.ROOT))
                .collect(java.util.stream.Collectors.joining(","));
        assertThat(tally.wrong()).as("WRONG answers (%s):%n%s%nrerun with: %s", tally.table(), wrongs.toString(StandardCharsets.UTF_8), rerun)
                .isZero();
    }
}
