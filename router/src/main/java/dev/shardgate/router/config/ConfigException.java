package dev.shardgate.router.config;

/**
 * A configuration the router refuses to start with. The message names the file, the line when it
 * is known, the key path and the problem, e.g.
 * {@code router.yaml:12: frontend_rules[1].pool_mode: must be one of SESSION, TRANSACTION, got 'SESION'}.
 */
public final class ConfigException extends RuntimeException {
    private final String source;
    private final int line;
    private final String keyPath;
    private final String problem;

    /**
     * @param line 1-based line in the source, or 0 when unknown
     * @param keyPath such as {@code frontend_rules[1].auth_rule.auth_method}; empty for the whole file
     */
    public ConfigException(String source, int line, String keyPath, String problem) {
        this(source, line, keyPath, problem, null);
    }

    public ConfigException(String source, int line, String keyPath, String problem, Throwable cause) {
        super(format(source, line, keyPath, problem), cause);
        this.source = source;
        this.line = line;
        this.keyPath = keyPath;
        this.problem = problem;
    }

    private static String format(String source, int line, String keyPath, String problem) {
        var text = new StringBuilder(source);
        if (line > 0) {
            text.append(':').append(line);
        }
        text.append(": ");
        if (!keyPath.isEmpty()) {
            text.append(keyPath).append(": ");
        }
        return text.append(problem).toString();
    }

    /** The file name, or a description such as "in-code configuration". */
    public String source() {
        return source;
    }

    /** 1-based line of the offending key, or 0 when unknown. */
    public int line() {
        return line;
    }

    public String keyPath() {
        return keyPath;
    }

    /** What is wrong, without the file and path. */
    public String problem() {
        return problem;
    }
}
