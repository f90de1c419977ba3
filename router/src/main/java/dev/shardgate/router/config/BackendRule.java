package dev.shardgate.router.config;

import java.util.Map;
import java.util.Objects;

/**
 * How the router connects to shards on behalf of clients of {@code db} as {@code usr}: at most
 * {@code connectionLimit} connections per shard, what to do with a connection given back, and the
 * password to present when a shard asks for one.
 *
 * @param db           null exactly when {@code poolDefault}
 * @param usr          null exactly when {@code poolDefault}
 * @param poolDiscard  run {@code DISCARD ALL} on a connection before reuse
 * @param poolRollback roll back a transaction left open by a client before reuse
 * @param login who to log in as on every shard instead of the client's user (SPQR's
 *     {@code auth_rule.usr}); {@link ShardLogin#CLIENTS} when not written
 * @param shardLogins per shard name, the user and password for that shard (SPQR's {@code auth_rules})
 */
public record BackendRule(
        String db,
        String usr,
        int connectionLimit,
        boolean poolDiscard,
        boolean poolRollback,
        AuthRule authRule,
        boolean poolDefault,
        ShardLogin login,
        Map<String, ShardLogin> shardLogins) {
    public static final int DEFAULT_CONNECTION_LIMIT = 50;

    public BackendRule {
        Objects.requireNonNull(authRule, "authRule");
        Objects.requireNonNull(login, "login");
        shardLogins = Map.copyOf(shardLogins);
    }

    /** A rule that logs in to every shard as the client's user with the rule's password. */
    public BackendRule(String db, String usr, int connectionLimit, boolean poolDiscard, boolean poolRollback,
                       AuthRule authRule, boolean poolDefault) {
        this(db, usr, connectionLimit, poolDiscard, poolRollback, authRule, poolDefault, ShardLogin.CLIENTS, Map.of());
    }

    /** This rule's login on {@code shard}: its auth_rules entry, else its auth_rule's user and password. */
    public ShardLogin loginOn(String shard) {
        ShardLogin own = new ShardLogin(null, login.user(), authRule.password());
        ShardLogin forShard = shardLogins.get(shard);
        return forShard == null ? own : forShard.orElse(own);
    }

    /** A rule for one database and user with the default limit, no discard, rollback on. */
    public static BackendRule of(String db, String usr, AuthRule authRule) {
        return new BackendRule(db, usr, DEFAULT_CONNECTION_LIMIT, false, true, authRule, false);
    }

    /** The rule for every database and user no other backend rule names. */
    public static BackendRule poolDefault(AuthRule authRule) {
        return new BackendRule(null, null, DEFAULT_CONNECTION_LIMIT, false, true, authRule, true);
    }

    boolean matches(String clientDb, String clientUsr) {
        return !poolDefault && db.equals(clientDb) && usr.equals(clientUsr);
    }
}
