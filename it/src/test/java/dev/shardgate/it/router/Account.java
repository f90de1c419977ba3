package dev.shardgate.it.router;

import dev.shardgate.cli.postgres.LocalPostgres;

/**
 * A database and a login role made for one test class on its shard, so the class does not depend
 * on what other classes left on the shared servers.
 */
record Account(String database, String user, String password) {

    /** Role {@code name} (password {@code name-pw}) owning database {@code name}. */
    static Account create(LocalPostgres shard, String name) {
        Account account = new Account(name, name, name + "-pw");
        shard.createUser(account.user(), account.password());
        shard.createDatabase(account.database(), account.user());
        return account;
    }

    /**
     * Another role on the same database, a member of this account's role so it may use the owner's
     * tables: lets one test class reach one database under two pool modes (one frontend rule each).
     */
    Account withUser(LocalPostgres shard, String otherUser) {
        Account other = new Account(database, otherUser, otherUser + "-pw");
        shard.createUser(other.user(), other.password());
        shard.psql(LocalPostgres.SUPERUSER, "GRANT \"" + user + "\" TO \"" + otherUser + "\"");
        return other;
    }

    /** The same role with another password, for rejections. */
    Account withPassword(String otherPassword) {
        return new Account(database, user, otherPassword);
    }
}
