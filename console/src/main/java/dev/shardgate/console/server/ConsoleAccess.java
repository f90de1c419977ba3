package dev.shardgate.console.server;

import dev.shardgate.wire.auth.PasswordExchange;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may open the console: for a user and database from the startup packet, how the password is
 * checked, or empty to refuse the connection (28000), like a pg_hba.conf without a matching line.
 */
@FunctionalInterface
public interface ConsoleAccess {

    Optional<Rule> ruleFor(String user, String database);

    /**
     * @param password the configured password (plain, or a stored {@code md5…} or
     *                 {@code SCRAM-SHA-256$…} secret, see {@link PasswordExchange#authenticate});
     *                 ignored for {@link PasswordExchange.Method#TRUST}
     */
    record Rule(PasswordExchange.Method method, String password) {
        public Rule {
            Objects.requireNonNull(method);
            if (method != PasswordExchange.Method.TRUST) {
                Objects.requireNonNull(password, "a password rule needs a password");
            }
        }

        public static Rule trust() {
            return new Rule(PasswordExchange.Method.TRUST, null);
        }
    }
}
