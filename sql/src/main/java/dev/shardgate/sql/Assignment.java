package dev.shardgate.sql;

/**
 * The new value an UPDATE's SET gives a column, when the router can know it without reading the row:
 * what an UPDATE of the distribution key needs to tell which shard the updated rows belong to.
 */
public sealed interface Assignment permits Assignment.Given, Assignment.Shifted {

    /** {@code SET col = <constant or $n>}, possibly cast. */
    record Given(Value value) implements Assignment {}

    /**
     * {@code SET col = col + <step>} or {@code col - <step>}: the old value moved by a constant or
     * {@code $n}, subtracted when {@code minus}.
     */
    record Shifted(Value step, boolean minus) implements Assignment {}
}
