package dev.shardgate.router.config;

import java.util.Objects;

/**
 * How a password is checked or presented. In a frontend rule: what the router asks of clients. In
 * a backend rule: the password the router answers with when a shard asks for clear text, md5 or
 * SCRAM. {@code password} is null exactly when {@code method} is {@link AuthMethod#OK}.
 */
public record AuthRule(AuthMethod method, String password) {
    public AuthRule {
        Objects.requireNonNull(method, "method");
    }

    /** No password: clients are let in, shards are expected to trust the router. */
    public static AuthRule ok() {
        return new AuthRule(AuthMethod.OK, null);
    }

    /** Never prints the password: configs get logged, secrets must not be. */
    @Override
    public String toString() {
        return "AuthRule[method=" + method.configName()
                + ", password=" + (password == null ? "<none>" : "<hidden>") + "]";
    }
}
