package dev.shardgate.router.config;

/**
 * {@code DATA}: holds key ranges of distributed relations. {@code WORLD}: holds the relations
 * every shard may read, as in SPQR.
 */
public enum ShardType {
    DATA,
    WORLD;

    /** The spelling in router.yaml. */
    public String configName() {
        return name();
    }
}
