package dev.shardgate.router.config;

/**
 * What the router does with a statement it cannot route to one shard: {@code BLOCK} answers with
 * an error, {@code ALLOW} sends it to every shard.
 */
public enum DefaultRouteBehaviour {
    BLOCK,
    ALLOW;

    /** The spelling in router.yaml. */
    public String configName() {
        return name();
    }
}
