package dev.shardgate.sql;

/** A value a key column is compared with or set to: a constant, or a bind parameter. */
public sealed interface Value permits Value.Literal, Value.Param {

    /**
     * A constant as written, with casts unwrapped ({@code 5::bigint}, {@code '…'::uuid},
     * {@code CAST(x AS int)}, {@code DATE '2024-01-01'}).
     *
     * @param text the digits, the string's content, {@code true}/{@code false}, or null for NULL
     * @param kind the kind of literal
     * @param castType the type it was cast to as PostgreSQL names it ({@code int8}, {@code uuid}),
     *     outermost cast first; null when not cast
     */
    record Literal(String text, LiteralKind kind, String castType) implements Value {}

    /** A bind parameter {@code $number}. */
    record Param(int number) implements Value {}
}
