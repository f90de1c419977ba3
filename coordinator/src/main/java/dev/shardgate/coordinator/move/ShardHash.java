package dev.shardgate.coordinator.move;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.HashFunction;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

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
    private static final String FUNCTIONS = """
            CREATE OR REPLACE FUNCTION pg_temp.shardgate_mul32(a bigint, b bigint) RETURNS bigint
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS 'SELECT ((a * (b & 65535)) + (((a * (b >> 16)) & 65535) << 16)) & 4294967295';

            CREATE OR REPLACE FUNCTION pg_temp.shardgate_rotl32(x bigint, r int) RETURNS bigint
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS 'SELECT ((x << r) | (x >> (32 - r))) & 4294967295';

            CREATE OR REPLACE FUNCTION pg_temp.shardgate_word(d bytea, i int) RETURNS bigint
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS 'SELECT get_byte(d, i)::bigint | (get_byte(d, i + 1)::bigint << 8)
                       | (get_byte(d, i + 2)::bigint << 16) | (get_byte(d, i + 3)::bigint << 24)';

            CREATE OR REPLACE FUNCTION pg_temp.shardgate_fmix(h bigint) RETURNS bigint
            LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
            BEGIN
              h := h # (h >> 16);
              h := pg_temp.shardgate_mul32(h, 2246822507);
              h := h # (h >> 13);
              h := pg_temp.shardgate_mul32(h, 3266489909);
              RETURN h # (h >> 16);
            END $f$;

            CREATE OR REPLACE FUNCTION pg_temp.shardgate_murmur(d bytea) RETURNS bigint
            LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
            DECLARE
              n int := length(d);
              i int := 0;
              h bigint := 0;
              k bigint;
            BEGIN
              WHILE i + 4 <= n LOOP
                k := pg_temp.shardgate_mul32(pg_temp.shardgate_rotl32(
                       pg_temp.shardgate_mul32(pg_temp.shardgate_word(d, i), 3432918353), 15), 461845907);
                h := pg_temp.shardgate_rotl32(h # k, 13);
                h := (pg_temp.shardgate_mul32(h, 5) + 3864292196) & 4294967295;
                i := i + 4;
              END LOOP;
              IF n > i THEN
                k := get_byte(d, i)::bigint;
                IF n - i >= 2 THEN k := k # (get_byte(d, i + 1)::bigint << 8); END IF;
                IF n - i = 3 THEN k := k # (get_byte(d, i + 2)::bigint << 16); END IF;
                h := h # pg_temp.shardgate_mul32(pg_temp.shardgate_rotl32(pg_temp.shardgate_mul32(k, 3432918353), 15),
                       461845907);
              END IF;
              RETURN pg_temp.shardgate_fmix(h # n);
            END $f$;

            CREATE OR REPLACE FUNCTION pg_temp.shardgate_rotr32(x bigint, r int) RETURNS bigint
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS 'SELECT ((x >> r) | (x << (32 - r))) & 4294967295';

            CREATE OR REPLACE FUNCTION pg_temp.shardgate_bswap32(x bigint) RETURNS bigint
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS 'SELECT ((x & 255) << 24) | (((x >> 8) & 255) << 16) | (((x >> 16) & 255) << 8) | ((x >> 24) & 255)';

            CREATE OR REPLACE FUNCTION pg_temp.shardgate_scramble(w bigint) RETURNS bigint
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS 'SELECT pg_temp.shardgate_mul32(pg_temp.shardgate_rotr32(pg_temp.shardgate_mul32(w, 3432918353), 17), 461845907)';

            CREATE OR REPLACE FUNCTION pg_temp.shardgate_city_mur(a bigint, h bigint) RETURNS bigint
            LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS 'SELECT (pg_temp.shardgate_mul32(pg_temp.shardgate_rotr32(h # pg_temp.shardgate_scramble(a), 19), 5)
                        + 3864292196) & 4294967295';

            CREATE OR REPLACE FUNCTION pg_temp.shardgate_city(d bytea) RETURNS bigint
            LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
            DECLARE
              n int := length(d);
              m constant bigint := 4294967295;
              a bigint; b bigint; c bigint; e bigint; f bigint; g bigint; h bigint;
              a0 bigint; a1 bigint; a2 bigint; a3 bigint; a4 bigint; t bigint;
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
                  b := (pg_temp.shardgate_mul32(b, 3432918353) + v8) & m;
                  c := c # b;
                END LOOP;
                RETURN pg_temp.shardgate_fmix(pg_temp.shardgate_city_mur(b, pg_temp.shardgate_city_mur(n, c)));
              END IF;
              IF n <= 12 THEN
                a := (n + pg_temp.shardgate_word(d, 0)) & m;
                b := (n * 5 + pg_temp.shardgate_word(d, n - 4)) & m;
                c := (9 + pg_temp.shardgate_word(d, (n >> 1) & 4)) & m;
                RETURN pg_temp.shardgate_fmix(pg_temp.shardgate_city_mur(c, pg_temp.shardgate_city_mur(b,
                         pg_temp.shardgate_city_mur(a, n * 5))));
              END IF;
              IF n <= 24 THEN
                h := pg_temp.shardgate_city_mur(pg_temp.shardgate_word(d, (n >> 1) - 4), n);
                h := pg_temp.shardgate_city_mur(pg_temp.shardgate_word(d, 4), h);
                h := pg_temp.shardgate_city_mur(pg_temp.shardgate_word(d, n - 8), h);
                h := pg_temp.shardgate_city_mur(pg_temp.shardgate_word(d, n >> 1), h);
                h := pg_temp.shardgate_city_mur(pg_temp.shardgate_word(d, 0), h);
                h := pg_temp.shardgate_city_mur(pg_temp.shardgate_word(d, n - 4), h);
                RETURN pg_temp.shardgate_fmix(h);
              END IF;
              h := n;
              g := pg_temp.shardgate_mul32(3432918353, n);
              f := g;
              h := (pg_temp.shardgate_mul32(pg_temp.shardgate_rotr32(h # pg_temp.shardgate_scramble(
                     pg_temp.shardgate_word(d, n - 4)), 19), 5) + 3864292196) & m;
              h := (pg_temp.shardgate_mul32(pg_temp.shardgate_rotr32(h # pg_temp.shardgate_scramble(
                     pg_temp.shardgate_word(d, n - 16)), 19), 5) + 3864292196) & m;
              g := (pg_temp.shardgate_mul32(pg_temp.shardgate_rotr32(g # pg_temp.shardgate_scramble(
                     pg_temp.shardgate_word(d, n - 8)), 19), 5) + 3864292196) & m;
              g := (pg_temp.shardgate_mul32(pg_temp.shardgate_rotr32(g # pg_temp.shardgate_scramble(
                     pg_temp.shardgate_word(d, n - 12)), 19), 5) + 3864292196) & m;
              f := (pg_temp.shardgate_mul32(pg_temp.shardgate_rotr32((f + pg_temp.shardgate_scramble(
                     pg_temp.shardgate_word(d, n - 20))) & m, 19), 5) + 3864292196) & m;
              FOR r IN 1 .. (n - 1) / 20 LOOP
                a0 := pg_temp.shardgate_scramble(pg_temp.shardgate_word(d, pos));
                a1 := pg_temp.shardgate_word(d, pos + 4);
                a2 := pg_temp.shardgate_scramble(pg_temp.shardgate_word(d, pos + 8));
                a3 := pg_temp.shardgate_scramble(pg_temp.shardgate_word(d, pos + 12));
                a4 := pg_temp.shardgate_word(d, pos + 16);
                h := (pg_temp.shardgate_mul32(pg_temp.shardgate_rotr32(h # a0, 18), 5) + 3864292196) & m;
                f := pg_temp.shardgate_mul32(pg_temp.shardgate_rotr32((f + a1) & m, 19), 3432918353);
                g := (pg_temp.shardgate_mul32(pg_temp.shardgate_rotr32((g + a2) & m, 18), 5) + 3864292196) & m;
                h := (pg_temp.shardgate_mul32(pg_temp.shardgate_rotr32(h # ((a3 + a1) & m), 19), 5) + 3864292196) & m;
                g := pg_temp.shardgate_mul32(pg_temp.shardgate_bswap32(g # a4), 5);
                h := pg_temp.shardgate_bswap32((h + pg_temp.shardgate_mul32(a4, 5)) & m);
                f := (f + a0) & m;
                t := f;
                f := g;
                g := h;
                h := t;
                pos := pos + 20;
              END LOOP;
              g := pg_temp.shardgate_mul32(pg_temp.shardgate_rotr32(g, 11), 3432918353);
              g := pg_temp.shardgate_mul32(pg_temp.shardgate_rotr32(g, 17), 3432918353);
              f := pg_temp.shardgate_mul32(pg_temp.shardgate_rotr32(f, 11), 3432918353);
              f := pg_temp.shardgate_mul32(pg_temp.shardgate_rotr32(f, 17), 3432918353);
              h := (pg_temp.shardgate_mul32(pg_temp.shardgate_rotr32((h + g) & m, 19), 5) + 3864292196) & m;
              h := pg_temp.shardgate_mul32(pg_temp.shardgate_rotr32(h, 17), 3432918353);
              h := (pg_temp.shardgate_mul32(pg_temp.shardgate_rotr32((h + f) & m, 19), 5) + 3864292196) & m;
              RETURN pg_temp.shardgate_mul32(pg_temp.shardgate_rotr32(h, 17), 3432918353);
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
            """;

    private ShardHash() {
    }

    /** Creates the functions in the connection's session; they end with it. */
    public static void install(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(FUNCTIONS);
        }
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
