package dev.shardgate.coordinator.move;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.HashFunction;
import dev.shardgate.meta.RoutingExpression;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The router's key hashes (meta's {@code HashFunction}: MurmurHash3 x86_32 and CityHash32 over
 * SPQR's key bytes) as session-local SQL functions, so that a shard selects a hashed key range's
 * rows itself: {@code WHERE pg_temp.shardgate_murmur(...) >= lower}. They live in the session's
 * temporary schema ({@code pg_temp}, PostgreSQL "CREATE FUNCTION": a temporary function must be
 * called schema-qualified) and vanish with the connection, so the shard needs no extension and
 * keeps nothing. Unsigned 32-bit words are bigints in [0, 2^32); a product is formed from 16-bit
 * halves so that it never overflows a bigint. PostgreSQL gives every bitwise operator the same
 * precedence, hence the parentheses.
 */
public final class ShardHash {
    private static final long C1 = 0xcc9e2d51L;
    private static final long C2 = 0x1b873593L;
    private static final long M = 0xe6546b64L;
    private static final long MASK = 0xFFFF_FFFFL;

    /*
     * One arithmetic step per PL/pgSQL statement, with the constants' halves written out: nested
     * SQL helper calls would not be inlined by the planner (an argument used twice that is itself
     * a call is too expensive to duplicate) and would cost a function call each, ten times slower.
     */
    private static final String FUNCTIONS = """
            CREATE OR REPLACE FUNCTION pg_temp.shardgate_murmur(d bytea) RETURNS bigint
            LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
            DECLARE
              n int := length(d);
              i int := 0;
              h bigint := 0;
              k bigint;
            BEGIN
              WHILE i + 4 <= n LOOP
                k := %1$s;
            %2$s
                h := h # k;
                h := %3$s;
                h := %4$s;
                h := (h + %5$d) & 4294967295;
                i := i + 4;
              END LOOP;
              IF n > i THEN
                k := get_byte(d, i)::bigint;
                IF n - i >= 2 THEN k := k # (get_byte(d, i + 1)::bigint << 8); END IF;
                IF n - i = 3 THEN k := k # (get_byte(d, i + 2)::bigint << 16); END IF;
            %2$s
                h := h # k;
              END IF;
              h := h # n;
            %6$s
              RETURN h;
            END $f$;

            CREATE OR REPLACE FUNCTION pg_temp.shardgate_city(d bytea) RETURNS bigint
            LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
            DECLARE
              n int := length(d);
              a bigint; b bigint; c bigint; f bigint; g bigint; h bigint; k bigint; t bigint;
              a0 bigint; a1 bigint; a2 bigint; a3 bigint; a4 bigint;
              pos int := 0;
              v8 int;
            BEGIN
              IF n <= 4 THEN
                b := 0;
                c := 9;
                FOR i IN 0 .. n - 1 LOOP
                  v8 := get_byte(d, i);
                  -- CityHash reads the bytes as signed char
                  IF v8 >= 128 THEN v8 := v8 - 256; END IF;
                  b := (%7$s + v8) & 4294967295;
                  c := c # b;
                END LOOP;
                k := n; h := c;
            %8$s
                k := b;
            %8$s
            %6$s
                RETURN h;
              END IF;
              IF n <= 12 THEN
                a := (n + %9$s) & 4294967295;
                b := (n * 5 + %10$s) & 4294967295;
                c := (9 + %11$s) & 4294967295;
                h := n * 5;
                k := a;
            %8$s
                k := b;
            %8$s
                k := c;
            %8$s
            %6$s
                RETURN h;
              END IF;
              IF n <= 24 THEN
                h := n;
                k := %12$s;
            %8$s
                k := %13$s;
            %8$s
                k := %14$s;
            %8$s
                k := %15$s;
            %8$s
                k := %9$s;
            %8$s
                k := %10$s;
            %8$s
            %6$s
                RETURN h;
              END IF;
              -- 25 bytes and more: three lanes over 20-byte rounds
              h := n;
              g := %16$s;
              f := g;
              k := %10$s;
            %8$s
              k := %17$s;
            %8$s
              t := h; h := g;
              k := %18$s;
            %8$s
              k := %19$s;
            %8$s
              g := h; h := t;
              k := %20$s;
            %21$s
              f := (f + k) & 4294967295;
              f := %22$s;
              f := %23$s;
              f := (f + %5$d) & 4294967295;
              FOR r IN 1 .. (n - 1) / 20 LOOP
                k := %24$s;
            %21$s
                a0 := k;
                a1 := %25$s;
                k := %26$s;
            %21$s
                a2 := k;
                k := %27$s;
            %21$s
                a3 := k;
                a4 := %28$s;
                h := h # a0;
                h := %29$s;
                h := %30$s;
                h := (h + %5$d) & 4294967295;
                f := (f + a1) & 4294967295;
                f := %22$s;
                f := %31$s;
                g := (g + a2) & 4294967295;
                g := %32$s;
                g := %33$s;
                g := (g + %5$d) & 4294967295;
                h := h # ((a3 + a1) & 4294967295);
                h := %34$s;
                h := %30$s;
                h := (h + %5$d) & 4294967295;
                g := g # a4;
                g := %35$s;
                g := %33$s;
                h := (h + %36$s) & 4294967295;
                h := %37$s;
                f := (f + a0) & 4294967295;
                t := f; f := g; g := h; h := t;
                pos := pos + 20;
              END LOOP;
              g := %38$s;
              g := %39$s;
              g := %40$s;
              g := %39$s;
              f := %41$s;
              f := %31$s;
              f := %42$s;
              f := %31$s;
              h := (h + g) & 4294967295;
              h := %34$s;
              h := %30$s;
              h := (h + %5$d) & 4294967295;
              h := %43$s;
              h := %44$s;
              h := (h + f) & 4294967295;
              h := %34$s;
              h := %30$s;
              h := (h + %5$d) & 4294967295;
              h := %43$s;
              RETURN %44$s;
            END $f$;

            CREATE OR REPLACE FUNCTION pg_temp.shardgate_integer_bytes(v bigint) RETURNS bytea
            LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
            DECLARE
              rest bigint := v;
              i int := 0;
              res bytea;
            BEGIN
              -- unsigned LEB128 of the two's-complement value, zero-padded to 8 bytes, or to 10 when
              -- the unsigned value is at least 2^56 (every negative number)
              IF v < 0 OR v >= 72057594037927936 THEN
                res := '\\x00000000000000000000'::bytea;
              ELSE
                res := '\\x0000000000000000'::bytea;
              END IF;
              IF rest < 0 THEN
                res := set_byte(res, 0, ((rest & 127) | 128)::int);
                rest := (rest >> 7) & 144115188075855871;
                i := 1;
              END IF;
              WHILE rest >= 128 LOOP
                res := set_byte(res, i, ((rest & 127) | 128)::int);
                rest := rest >> 7;
                i := i + 1;
              END LOOP;
              RETURN set_byte(res, i, rest::int);
            END $f$;
            """.formatted(
            word("i"),                                                        // 1
            "    k := " + mul("k", C1) + ";\n    k := " + rotl("k", 15) + ";\n    k := " + mul("k", C2) + ";", // 2: mix k
            rotl("h", 13),                                                    // 3
            mul("h", 5),                                                      // 4
            M,                                                                // 5
            "  h := h # (h >> 16);\n  h := " + mul("h", 0x85ebca6bL) + ";\n  h := h # (h >> 13);\n  h := "
                    + mul("h", 0xc2b2ae35L) + ";\n  h := h # (h >> 16);",      // 6: final mix
            mul("b", C1),                                                     // 7
            cityMur(),                                                        // 8: h := mur(k, h)
            word("0"),                                                        // 9
            word("n - 4"),                                                    // 10
            word("(n >> 1) & 4"),                                             // 11
            word("(n >> 1) - 4"),                                             // 12
            word("4"),                                                        // 13
            word("n - 8"),                                                    // 14
            word("n >> 1"),                                                   // 15
            mul("n::bigint", C1),                                             // 16
            word("n - 16"),                                                   // 17
            word("n - 8"),                                                    // 18
            word("n - 12"),                                                   // 19
            word("n - 20"),                                                   // 20
            "    k := " + mul("k", C1) + ";\n    k := " + rotr("k", 17) + ";\n    k := " + mul("k", C2) + ";", // 21: scramble k
            rotr("f", 19),                                                    // 22
            mul("f", 5),                                                      // 23
            word("pos"),                                                      // 24
            word("pos + 4"),                                                  // 25
            word("pos + 8"),                                                  // 26
            word("pos + 12"),                                                 // 27
            word("pos + 16"),                                                 // 28
            rotr("h", 18),                                                    // 29
            mul("h", 5),                                                      // 30
            mul("f", C1),                                                     // 31
            rotr("g", 18),                                                    // 32
            mul("g", 5),                                                      // 33
            rotr("h", 19),                                                    // 34
            bswap("g"),                                                       // 35
            mul("a4", 5),                                                     // 36
            bswap("h"),                                                       // 37
            rotr("g", 11),                                                    // 38
            mul("g", C1),                                                     // 39
            rotr("g", 17),                                                    // 40
            rotr("f", 11),                                                    // 41
            rotr("f", 17),                                                    // 42
            rotr("h", 17),                                                    // 43
            mul("h", C1));                                                    // 44

    /** {@code x * c mod 2^32} for a variable x in [0, 2^32): the product of 16-bit halves never overflows a bigint. */
    private static String mul(String x, long c) {
        return "((" + x + " * " + (c & 0xFFFF) + " + (((" + x + " * " + (c >>> 16) + ") & 65535) << 16)) & " + MASK + ")";
    }

    private static String rotl(String x, int r) {
        return "(((" + x + " << " + r + ") | (" + x + " >> " + (32 - r) + ")) & " + MASK + ")";
    }

    private static String rotr(String x, int r) {
        return "(((" + x + " >> " + r + ") | (" + x + " << " + (32 - r) + ")) & " + MASK + ")";
    }

    private static String bswap(String x) {
        return "(((" + x + " & 255) << 24) | (((" + x + " >> 8) & 255) << 16) | (((" + x + " >> 16) & 255) << 8) | ((" + x
                + " >> 24) & 255))";
    }

    /** The little-endian 32-bit word at byte {@code at} of {@code d}. */
    private static String word(String at) {
        String p = "(" + at + ")";
        return "(get_byte(d, " + p + ")::bigint | (get_byte(d, " + p + " + 1)::bigint << 8) | (get_byte(d, " + p
                + " + 2)::bigint << 16) | (get_byte(d, " + p + " + 3)::bigint << 24))";
    }

    /** CityHash's Mur(k, h): scramble k, fold it into h. Statements; uses k as scratch. */
    private static String cityMur() {
        return "    k := " + mul("k", C1) + ";\n    k := " + rotr("k", 17) + ";\n    k := " + mul("k", C2)
                + ";\n    h := h # k;\n    h := " + rotr("h", 19) + ";\n    h := " + mul("h", 5) + ";\n    h := (h + " + M
                + ") & 4294967295;";
    }

    private ShardHash() {
    }

    /** Creates the functions in the connection's session; they end with it. */
    public static void install(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(FUNCTIONS);
        }
    }

    /**
     * The SQL for a routing expression's key ({@link RoutingExpression}): each column's hash as an
     * integer's bytes, concatenated in the expression's order, hashed again by the same function.
     *
     * @param columns the expression's columns, already quoted, in its order
     */
    public static String expressionKey(RoutingExpression expression, List<String> columns) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            ColumnType type = expression.columns().get(i).type().hashed();
            parts.add("pg_temp.shardgate_integer_bytes(" + keyExpression(columns.get(i), type, expression.hash()) + ")");
        }
        String bytes = String.join(" || ", parts);
        return switch (expression.hash()) {
            case IDENT -> throw new IllegalArgumentException("a routing expression needs a hash function");
            case MURMUR -> "pg_temp.shardgate_murmur(" + bytes + ")";
            case CITY -> "pg_temp.shardgate_city(" + bytes + ")";
        };
    }

    /**
     * The SQL for the key value the router compares for {@code column} (already quoted): the
     * column itself for plain types, its unsigned 32-bit hash as a bigint for hashed types.
     */
    public static String keyExpression(String column, ColumnType type, HashFunction hash) {
        String bytes = switch (type) {
            case INTEGER, VARCHAR, UUID -> null;
            case INTEGER_HASH -> "pg_temp.shardgate_integer_bytes(" + column + "::bigint)";
            case VARCHAR_HASH -> "convert_to(" + column + "::text, 'UTF8')";
            // the router hashes a uuid's canonical lower-case text, which is PostgreSQL's uuid output
            case UUID_HASH -> "convert_to(" + column + "::uuid::text, 'UTF8')";
        };
        if (bytes == null) {
            return type == ColumnType.VARCHAR ? column + " COLLATE \"C\"" : column;
        }
        return switch (hash) {
            case IDENT -> throw new IllegalArgumentException("column type " + type + " needs a hash function");
            case MURMUR -> "pg_temp.shardgate_murmur(" + bytes + ")";
            case CITY -> "pg_temp.shardgate_city(" + bytes + ")";
        };
    }
}
