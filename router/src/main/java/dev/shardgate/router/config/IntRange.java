package dev.shardgate.router.config;

/** The integers a key accepts, shared by the parser and the checks so both say the same. */
record IntRange(int min, int max) {
    /** A listening port; 0 asks the system for a free one (tests, demo). */
    static final IntRange PORT = new IntRange(0, 65535);
    /** PostgreSQL's own ceiling on max_connections (MAX_BACKENDS); more is a typo. */
    static final IntRange CONNECTION_LIMIT = new IntRange(1, 262143);
    /** Values of a sequence taken at once; a million lost at a restart is already a lot. */
    static final IntRange SEQUENCE_BLOCK_SIZE = new IntRange(1, 1_000_000);
    /** Event-loop threads; 0 turns them off. More than a machine has CPUs only adds switches. */
    static final IntRange EVENT_LOOPS = new IntRange(0, 1024);
    /** The HTTP port for metrics and health; -1 leaves it closed, 0 picks a free one. */
    static final IntRange HTTP_PORT = new IntRange(-1, 65535);
    /** Client connections at once; each costs a descriptor or two, and a million is past any rlimit. */
    static final IntRange MAX_CLIENTS = new IntRange(1, 1_000_000);
    static final IntRange CONNECTION_RATE = new IntRange(0, 1_000_000);
    static final IntRange TCP_KEEP_COUNT = new IntRange(0, 127);
    /** Checks in a row that change a host's state; more than a hundred would take minutes. */
    static final IntRange HEALTH_CHECK_COUNT = new IntRange(1, 100);

    boolean contains(long value) {
        return value >= min && value <= max;
    }

    String mustBe() {
        return "must be an integer between " + min + " and " + max;
    }
}
