package dev.shardgate.coordinator.config;

/**
 * A coordinator configuration refused at startup; the message names the source, the key path and
 * the problem, e.g. {@code coordinator.yaml: frontend_rules[0].auth_rule.auth_method: must be one of …}.
 */
public final class CoordinatorConfigException extends RuntimeException {
    private final String keyPath;

    public CoordinatorConfigException(String source, String keyPath, String problem) {
        this(source, keyPath, problem, null);
    }

    public CoordinatorConfigException(String source, String keyPath, String problem, Throwable cause) {
        super(source + ": " + (keyPath.isEmpty() ? "" : keyPath + ": ") + problem, cause);
        this.keyPath = keyPath;
    }

    /** Such as {@code frontend_rules[0].usr}; empty for the whole file. */
    public String keyPath() {
        return keyPath;
    }
}
