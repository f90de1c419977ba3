package dev.shardgate.router.config;

/** How long a client keeps its server connections: the whole session, or one transaction. */
public enum PoolMode {
    SESSION,
    TRANSACTION;

    /** The spelling in router.yaml. */
    public String configName() {
        return name();
    }
}
