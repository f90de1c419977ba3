package dev.shardgate.coordinator.config;

import dev.shardgate.wire.auth.PasswordExchange;
import java.util.Objects;

/**
 * One {@code frontend_rules} entry: who may open the coordinator's console to which database, and
 * how the password is checked.
 *
 * @param password   null for {@link PasswordExchange.Method#TRUST}
 * @param requireTls a plain connection is refused before the password ({@code require_tls})
 */
public record ConsoleRule(String db, String usr, PasswordExchange.Method method, String password, boolean requireTls) {
    public ConsoleRule {
        Objects.requireNonNull(db);
        Objects.requireNonNull(usr);
        Objects.requireNonNull(method);
    }

    /** A rule that TLS is not required for (unless frontend_tls's sslmode requires it of everyone). */
    public ConsoleRule(String db, String usr, PasswordExchange.Method method, String password) {
        this(db, usr, method, password, false);
    }

    /** Without the password: configs end up in logs and error messages. */
    @Override
    public String toString() {
        return "ConsoleRule[db=" + db + ", usr=" + usr + ", method=" + method + ", password="
                + (password == null || password.isEmpty() ? "<none>" : "<hidden>") + ", requireTls=" + requireTls + "]";
    }
}
