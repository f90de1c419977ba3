package dev.shardgate.qdb.tls;

/**
 * A TLS setting that cannot work: a missing key, a file that cannot be read or holds no PEM
 * certificate or key. {@link #key} is the config key's path below the TLS section (like
 * {@code cert_file}), so that config readers can name it as they name every other key.
 */
public final class TlsConfigException extends IllegalArgumentException {
    private final String key;

    public TlsConfigException(String key, String problem, Throwable cause) {
        super(problem, cause);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
