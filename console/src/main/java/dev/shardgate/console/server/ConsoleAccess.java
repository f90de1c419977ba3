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
     * A rule of this user's for any console database, whose password it must give before learning
     * that the database it asked for is not the console's; empty for an unknown user.
     */
    default Optional<Rule> ruleForUser(String user) {
        return Optional.empty();
    }

    /**
     * The exchange a user without a rule goes through before 28P01, so that it looks
     * like a known user's with a wrong password: that of the console's rules.
     */
    default PasswordExchange.Method methodToMimic() {
        return PasswordExchange.Method.SCRAM;
    }

    /**
     * @param password the configured password (plain, or a stored {@code md5…} or
     *                 {@code SCRAM-SHA-256$…} secret, see {@link PasswordExchange#authenticate});
     *                 ignored for {@link PasswordExchange.Method#TRUST}
     * @param requireTls  a plain connection is refused (28000) before the password is asked for
     */
    record Rule(PasswordExchange.Method method, String password, boolean requireTls) {
        public Rule {
            Objects.requireNonNull(method);
            if (method != PasswordExchange.Method.TRUST) {
                Objects.requireNonNull(password, "a password rule needs a password");
            }
        }

        /** A rule that TLS is not required for. */
        public Rule(PasswordExchange.Method method, String password) {
            this(method, password, false);
        }

        public static Rule trust() {
            return new Rule(PasswordExchange.Method.TRUST, null);
        }
    }
}
