package dev.shardgate.router.metrics;

/** How a statement was served, the {@code route} label of the statement and transaction metrics. */
public enum RouteKind {
    // In the order a transaction takes the kind of its widest statement: BEGIN answered locally, then
    // an UPDATE on one shard, makes a single-shard transaction.
    /** Answered by the router itself (a deferred BEGIN, a hint SET, EXPLAIN ROUTE …). */
    LOCAL("local"),
    /** Forwarded to one shard's backend. */
    SINGLE_SHARD("single_shard"),
    /** Run on several shards, answers merged by the router. */
    MULTI_SHARD("multi_shard");

    private final String label;

    RouteKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
