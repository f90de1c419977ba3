package dev.shardgate.bench.sql;

/** Query texts as pgbench sends them to the router, by name. */
public final class PgbenchQueries {
    /** {@code pgbench -S -M extended/prepared}: the key is a parameter. */
    public static final String SELECT_BY_PARAMETER = "SELECT abalance FROM pgbench_accounts WHERE aid = $1;";
    /** {@code pgbench -S -M simple}: pgbench substitutes the key, so every text is new. */
    public static final String SELECT_BY_LITERAL = "SELECT abalance FROM pgbench_accounts WHERE aid = 424242;";
    public static final String UPDATE_BY_PARAMETER = "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;";
    public static final String JOIN_BY_PARAMETER = "SELECT a.abalance, b.bbalance FROM pgbench_accounts a "
            + "JOIN pgbench_branches b ON a.bid = b.bid WHERE a.aid = $1";

    private PgbenchQueries() {
    }

    public static String named(String name) {
        return switch (name) {
            case "select" -> SELECT_BY_PARAMETER;
            case "selectLiteral" -> SELECT_BY_LITERAL;
            case "update" -> UPDATE_BY_PARAMETER;
            case "join" -> JOIN_BY_PARAMETER;
            default -> throw new IllegalArgumentException("unknown query " + name);
        };
    }
}
