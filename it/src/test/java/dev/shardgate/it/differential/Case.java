package dev.shardgate.it.differential;

import java.util.List;

/** What the generator makes at a time: one statement, or a transaction of several, run on one connection and judged step by step. */
record Case(Feature feature, List<Step> steps) {
    static Case of(Step step) {
        return new Case(step.feature(), List.of(step));
    }

    /** Whether the steps form a transaction (BEGIN … COMMIT/ROLLBACK), which ends on both sides once they part ways. */
    boolean inTransaction() {
        return steps.getFirst().sql().equals("BEGIN");
    }

    boolean writes() {
        return steps.stream().anyMatch(Step::isWrite);
    }
}
