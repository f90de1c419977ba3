package dev.shardgate.it.differential;

/** The judge's decision on one statement. */
sealed interface Verdict {
    /** The router answered what PostgreSQL answers. */
    record Match() implements Verdict {
    }

    /** The router refused with SQLSTATE 0A000 (feature not supported): allowed by issue 14. */
    record Refused(String message) implements Verdict {
    }

    /** Anything else: a defect of the router. */
    record Wrong(String reason) implements Verdict {
    }

    Verdict MATCH = new Match();
}
