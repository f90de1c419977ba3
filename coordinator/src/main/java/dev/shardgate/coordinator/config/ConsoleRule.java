package dev.shardgate.coordinator.config;

import dev.shardgate.wire.auth.PasswordExchange;
import java.util.Objects;

/**
 * One {@code frontend_rules} entry: who may open the coordinator's console to which database, and
 * how the password is checked.
 *
 * @param password null for {@link PasswordExchange.Method#TRUST}
 */
public record ConsoleRule(String db, String usr, PasswordExchange.Method method, String password) {
    public ConsoleRule {
        Objects.requireNonNull(db);
        Objects.requireNonNull(usr);
        Objects.requireNonNull(method);
    }

    /** Without the password: configs end up in logs and error messages. */
    @Override
    public String toString() {
        return "ConsoleRule[db=" + db + ", usr=" + usr + ", method=" + method + ", password="
                + (password == null || password.isEmpty() ? "<none>" : "<hidden>") + "]";
    }
}
