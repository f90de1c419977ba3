package dev.shardgate.it.differential;

import java.util.List;

/** What the generator makes at a time: one statement, or a transaction of several, run on one connection. */
record Case(Feature feature, List<Step> steps) {
    static Case of(Step step) {
        return new Case(step.feature(), List.of(step));
    }

    boolean writes() {
        return steps.stream().anyMatch(Step::isWrite);
    }
}
