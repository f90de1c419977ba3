package dev.shardgate.router.config;

/**
 * Who the router logs in as on one shard, when it is not the client's own database, user and the
 * backend rule's password: SPQR's per-shard {@code db}, {@code usr} and {@code pwd} (a shard's
 * section of router.yaml) and its backend rule's {@code auth_rules} and {@code auth_rule.usr}.
 * A null part keeps what the client and the backend rule give.
 */
public record ShardLogin(String database, String user, String password) {
    /** The client's database and user, the backend rule's password. */
    public static final ShardLogin CLIENTS = new ShardLogin(null, null, null);

    /** Never prints the password: configs get logged, secrets must not be. */
    @Override
    public String toString() {
        return "ShardLogin[database=" + database + ", user=" + user + ", password="
                + (password == null ? "<none>" : "<hidden>") + "]";
    }

    public boolean isClients() {
        return database == null && user == null && password == null;
    }

    /** Each part of this login, else {@code fallback}'s. */
    public ShardLogin orElse(ShardLogin fallback) {
        return new ShardLogin(database != null ? database : fallback.database,
                user != null ? user : fallback.user,
                password != null ? password : fallback.password);
    }
}
