package dev.shardgate.router.config;

/**
 * {@code PROXY}: clients are routed to shards. {@code LOCAL}: the router answers from its own
 * console and metadata only, without shards (SPQR's mode for a router used as a metadata front).
 */
public enum RouterMode {
    PROXY,
    LOCAL;

    /** The spelling in router.yaml. */
    public String configName() {
        return name();
    }
}
