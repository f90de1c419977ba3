package dev.shardgate.router.config;

import java.util.Objects;
import java.util.Set;

/**
 * What a client connecting as {@code usr} to {@code db} gets: its pool mode and how it
 * authenticates, and whether it must come over TLS ({@code require_tls}). A {@code poolDefault} rule has no db and usr and serves every pair no other rule
 * names. A rule whose db is a {@linkplain #isConsoleDatabase console database} admits {@code usr}
 * to the admin console instead; it needs no backend rule.
 *
 * @param db   null exactly when {@code poolDefault}
 * @param usr  null exactly when {@code poolDefault}
 * @param targetSessionAttrs which hosts its clients' transactions may use unless a session or a
 *     transaction says otherwise (docs/replicas.md); {@code read-write} when not written
 * @param readYourWrites a session's reads on a standby see its own earlier writes (read_your_writes,
 *     docs/replicas.md); off when not written
 */
public record FrontendRule(String db, String usr, PoolMode poolMode, AuthRule authRule, boolean poolDefault,
                           boolean requireTls, TargetSessionAttrs targetSessionAttrs, boolean readYourWrites) {
    /**
     * Database names that mean the admin console. SPQR's clients use {@code spqr-console} (and its
     * docs also {@code spqr_console}); {@code shardgate_console} is ours. They are aliases: a
     * console rule admits its user under any of them.
     */
    public static final Set<String> CONSOLE_DATABASES = Set.of("spqr-console", "spqr_console", "shardgate_console");

    public FrontendRule {
        Objects.requireNonNull(poolMode, "poolMode");
        Objects.requireNonNull(authRule, "authRule");
        Objects.requireNonNull(targetSessionAttrs, "targetSessionAttrs");
    }

    /** A rule whose sessions do not ask to read their own writes on standbys. */
    public FrontendRule(String db, String usr, PoolMode poolMode, AuthRule authRule, boolean poolDefault,
                        boolean requireTls, TargetSessionAttrs targetSessionAttrs) {
        this(db, usr, poolMode, authRule, poolDefault, requireTls, targetSessionAttrs, false);
    }

    /** A rule that TLS is not required for (unless frontend_tls's sslmode requires it of everyone). */
    public FrontendRule(String db, String usr, PoolMode poolMode, AuthRule authRule, boolean poolDefault) {
        this(db, usr, poolMode, authRule, poolDefault, false);
    }

    /** A rule with the default target_session_attrs, read-write. */
    public FrontendRule(String db, String usr, PoolMode poolMode, AuthRule authRule, boolean poolDefault,
                        boolean requireTls) {
        this(db, usr, poolMode, authRule, poolDefault, requireTls, TargetSessionAttrs.READ_WRITE);
    }

    /** A rule that TLS is not required for, with these target_session_attrs. */
    public FrontendRule(String db, String usr, PoolMode poolMode, AuthRule authRule, boolean poolDefault,
                        TargetSessionAttrs targetSessionAttrs) {
        this(db, usr, poolMode, authRule, poolDefault, false, targetSessionAttrs);
    }

    /** The same rule with another target_session_attrs. */
    public FrontendRule withTargetSessionAttrs(TargetSessionAttrs attrs) {
        return new FrontendRule(db, usr, poolMode, authRule, poolDefault, requireTls, attrs, readYourWrites);
    }

    /** The same rule with read_your_writes on or off. */
    public FrontendRule withReadYourWrites(boolean on) {
        return new FrontendRule(db, usr, poolMode, authRule, poolDefault, requireTls, targetSessionAttrs, on);
    }

    /** How messages name the rule: its db and usr, or pool_default. */
    public String describe() {
        return poolDefault ? "pool_default frontend rule" : "frontend rule for user \"" + usr + "\" and database \"" + db + "\"";
    }

    /** A rule for one database and user, in transaction pooling. */
    public static FrontendRule of(String db, String usr, AuthRule authRule) {
        return new FrontendRule(db, usr, PoolMode.TRANSACTION, authRule, false);
    }

    /** The rule for every database and user no other rule names. */
    public static FrontendRule poolDefault(PoolMode poolMode, AuthRule authRule) {
        return new FrontendRule(null, null, poolMode, authRule, true);
    }

    /** A rule letting {@code usr} into the admin console. */
    public static FrontendRule console(String usr, AuthRule authRule) {
        return new FrontendRule("shardgate_console", usr, PoolMode.TRANSACTION, authRule, false);
    }

    public static boolean isConsoleDatabase(String db) {
        return db != null && CONSOLE_DATABASES.contains(db);
    }

    public boolean isConsoleRule() {
        return isConsoleDatabase(db);
    }

    boolean matches(String clientDb, String clientUsr) {
        return !poolDefault && db.equals(clientDb) && usr.equals(clientUsr);
    }
}
