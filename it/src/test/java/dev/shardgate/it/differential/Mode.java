package dev.shardgate.it.differential;

import dev.shardgate.router.config.DefaultRouteBehaviour;

import java.util.Locale;

/**
 * The settings a run is made under: the router's default route behaviour, and the databases'
 * default collation (C, or ICU's root locale, where text sorts differently from bytes).
 */
record Mode(DefaultRouteBehaviour behaviour, Collation collation) {

    enum Collation {
        C,
        ICU
    }

    /** A database name of its own, so that runs in several modes can share the servers. */
    String database() {
        return ("difftest_" + behaviour + "_" + collation).toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "behaviour=" + behaviour + " collation=" + collation;
    }
}
