package dev.shardgate.it.differential;

import dev.shardgate.router.config.DefaultRouteBehaviour;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/**
 * One seeded run: each generated statement goes through the router first, then (unless the router
 * refused a write, or the statement is a router hint) to the oracle over the same protocol; the
 * {@link Judge} decides. After writes the {@link StateCheck} compares every table and the placement
 * of rows; when states diverged every table is loaded anew so that later statements stay meaningful.
 */
final class DifferentialRun {
    private final DifferentialCluster cluster;
    private final long seed;
    private final Set<Feature> features;
    private final PrintStream out;
    private final Tally tally = new Tally();
    private final Dataset dataset;
    private int statement;
    private int caseNumber;
    private boolean trace;

    DifferentialRun(DifferentialCluster cluster, long seed, Set<Feature> features, PrintStream out) {
        this.cluster = cluster;
        this.seed = seed;
        this.features = features;
        this.out = out;
        this.dataset = Dataset.generate(seed);
    }

    /** Also prints every statement with its verdict, not only the WRONG ones. */
    DifferentialRun traced(boolean on) {
        this.trace = on;
        return this;
    }

    /** Runs {@code cases} generated cases (a transaction is one case) and returns the counts. */
    Tally run(int cases) throws SQLException {
        cluster.load(dataset);
        Generator generator = new Generator(seed, features);
        for (int i = 0; i < cases; i++) {
            Case next = generator.next();
            caseNumber++;
            runCase(next, generator.protocol());
        }
        return tally;
    }

    /**
     * Runs one case on the starting rows of this run's seed, as a regression test does with a WRONG
     * the long run found; the tally says what the judge decided (and the output why).
     */
    Tally replay(Case reproduced, Protocol protocol) throws SQLException {
        cluster.load(dataset);
        caseNumber++;
        runCase(reproduced, protocol);
        return tally;
    }

    private void runCase(Case next, Protocol protocol) throws SQLException {
        Connection router = cluster.router(protocol);
        Connection oracle = cluster.oracle(protocol);
        boolean transaction = next.inTransaction();
        for (Step step : next.steps()) {
            statement++;
            Answer routerAnswer = Execution.run(router, step);
            Answer oracleAnswer = null;
            Verdict verdict;
            if (step.routerOnly()) {
                verdict = routerAnswer instanceof Answer.Failure failure
                        ? (failure.isRefusal() ? new Verdict.Refused(failure.message()) : new Verdict.Wrong("the router rejected its own hint"))
                        : Verdict.MATCH;
            } else if (routerAnswer instanceof Answer.Failure failure && failure.isRefusal() && (step.isWrite() || transaction)) {
                verdict = new Verdict.Refused(failure.message()); // not run on the oracle: its state must stay the router's
            } else {
                oracleAnswer = Execution.run(oracle, step);
                verdict = Judge.judge(step.shape(), routerAnswer, oracleAnswer);
            }
            tally.add(step.feature(), verdict);
            if (trace) {
                out.printf("#%d (case %d) %s %s %s: %s%n", statement, caseNumber, protocol, step.feature(), verdict, step.describe());
            }
            if (verdict instanceof Verdict.Wrong wrong) {
                report(step, protocol, wrong.reason(), routerAnswer, oracleAnswer);
            }
            if (routerAnswer instanceof Answer.Failure failure && failure.sqlStateClass().equals("08")) {
                cluster.dropRouter(protocol);
                router = cluster.router(protocol);
            }
            if (transaction && !(verdict instanceof Verdict.Match)) {
                // the two sides no longer run the same transaction: end both
                endTransaction(protocol);
                break;
            }
        }
        if (transaction) {
            // a SET outlives COMMIT in PostgreSQL, so the hint would route every later statement of the session
            Execution.run(cluster.router(protocol), Step.control(Feature.TRANSACTION, "RESET __spqr__sharding_key", true));
        }
        if (next.writes() || transaction) {
            checkState(next, protocol);
        }
    }

    private void endTransaction(Protocol protocol) throws SQLException {
        Step rollback = Step.control(Feature.TRANSACTION, "ROLLBACK", false);
        if (Execution.run(cluster.router(protocol), rollback) instanceof Answer.Failure) {
            cluster.dropRouter(protocol);
        }
        if (Execution.run(cluster.oracle(protocol), rollback) instanceof Answer.Failure) {
            cluster.dropOracle(protocol);
        }
    }

    private void checkState(Case written, Protocol protocol) throws SQLException {
        List<String> differences = StateCheck.differences(cluster, cluster.mode().behaviour() == DefaultRouteBehaviour.ALLOW);
        if (differences.isEmpty()) {
            return;
        }
        tally.add(written.feature(), new Verdict.Wrong("state"));
        out.printf("WRONG state after statement %d (case %d, seed %d, %s, %s, feature %s):%n", statement, caseNumber, seed, cluster.mode(), protocol,
                written.feature().name().toLowerCase(java.util.Locale.ROOT));
        for (Step step : written.steps()) {
            out.println("    " + step.describe());
        }
        differences.forEach(line -> out.println("  " + line));
        out.println();
        cluster.load(dataset);
    }

    private void report(Step step, Protocol protocol, String reason, Answer router, Answer oracle) {
        out.printf("WRONG statement %d (case %d, seed %d, %s, %s, feature %s): %s%n    %s%n  router: %s%n  oracle: %s%n%n", statement, caseNumber, seed,
                cluster.mode(), protocol, step.feature().name().toLowerCase(java.util.Locale.ROOT), reason, step.describe(), router,
                oracle == null ? "(not run)" : oracle);
    }
}
