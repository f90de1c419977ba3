package dev.shardgate.it.differential;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;

/**
 * The schema, metadata and starting rows of a differential run. Distribution {@code ds1} (integer
 * keys) has four key ranges over three shards — sh1 holds two of them, so a shard's keys are not one
 * interval; {@code t1} and {@code t2} are attached to it (colocated, joinable on {@code id}),
 * {@code ref} is a reference table, {@code v1} a view and {@code t1_between} a SQL function over
 * {@code t1}, made on every shard and on the oracle.
 */
final class Dataset {
    static final int SHARDS = 3;

    static final String METADATA = """
            CREATE DISTRIBUTION ds1 COLUMN TYPES integer;
            ALTER DISTRIBUTION ds1 ATTACH RELATION t1 DISTRIBUTION KEY id;
            ALTER DISTRIBUTION ds1 ATTACH RELATION t2 DISTRIBUTION KEY id;
            CREATE KEY RANGE kr4 FROM 3000 ROUTE TO sh1 FOR DISTRIBUTION ds1;
            CREATE KEY RANGE kr3 FROM 2000 ROUTE TO sh3 FOR DISTRIBUTION ds1;
            CREATE KEY RANGE kr2 FROM 1000 ROUTE TO sh2 FOR DISTRIBUTION ds1;
            CREATE KEY RANGE kr1 FROM -2147483648 ROUTE TO sh1 FOR DISTRIBUTION ds1;
            CREATE REFERENCE TABLE ref;
            """;

    static final String SCHEMA = """
            CREATE TABLE t1 (id int PRIMARY KEY, i4 int, i8 bigint, num numeric, f4 float4, f8 float8, txt text,
                             txt_icu text COLLATE "und-x-icu", flag bool, ts timestamptz, iv interval, u uuid, ch char(4));
            CREATE TABLE t2 (id int, seq int, i4 int, num numeric, txt text, f8 float8, PRIMARY KEY (id, seq));
            CREATE TABLE ref (rid int PRIMARY KEY, name text, num numeric, f8 float8);
            CREATE VIEW v1 AS SELECT id, i4, num, txt FROM t1 WHERE flag IS NOT FALSE;
            CREATE FUNCTION t1_between(lo int, hi int) RETURNS bigint LANGUAGE sql STABLE
                AS $$ SELECT count(*) FROM t1 WHERE id >= lo AND id < hi $$;
            """;

    /** The lower bounds of the key ranges in order, and the shard (0-based) of each. */
    private static final long[] RANGE_LOWER = {Integer.MIN_VALUE, 1000, 2000, 3000};
    private static final int[] RANGE_SHARD = {0, 1, 2, 0};

    /** Keys the generator prefers, so that writes meet existing rows: range edges, extremes, a few inside. */
    static final int[] HOT_KEYS = {Integer.MIN_VALUE, -7, 0, 1, 5, 17, 500, 999, 1000, 1001, 1234, 1500, 1999, 2000,
            2001, 2345, 2500, 2999, 3000, 3001, 4242, 100000, Integer.MAX_VALUE};

    static final List<String> T1_COLUMNS = t1Columns();
    static final String T2_COLUMNS = "id, seq, i4, num, txt, f8";

    private final List<String> rows;

    private Dataset(List<String> rows) {
        this.rows = rows;
    }

    /** The starting rows, the same for the same seed. */
    static Dataset generate(long seed) {
        Random random = new Random(seed);
        List<String> inserts = new ArrayList<>();
        StringJoiner t1 = new StringJoiner(",\n  ", "INSERT INTO t1 (" + String.join(", ", T1_COLUMNS) + ") VALUES\n  ", "");
        StringJoiner t2 = new StringJoiner(",\n  ", "INSERT INTO t2 (" + T2_COLUMNS + ") VALUES\n  ", "");
        for (int key : HOT_KEYS) {
            if (random.nextInt(6) == 0) {
                continue; // some hot keys start without a row
            }
            t1.add(t1Row(random, key));
            int children = random.nextInt(4);
            for (int seq = 1; seq <= children; seq++) {
                t2.add(t2Row(random, key, seq));
            }
        }
        for (int i = 0; i < 12; i++) {
            int key = random.nextInt(3600) - 100;
            t1.add(t1Row(random, key));
        }
        inserts.add(t1 + " ON CONFLICT DO NOTHING");
        inserts.add(t2 + " ON CONFLICT DO NOTHING");
        StringJoiner ref = new StringJoiner(",\n  ", "INSERT INTO ref (rid, name, num, f8) VALUES\n  ", "");
        for (int rid = -2; rid < 10; rid++) {
            ref.add("(" + rid + ", " + Column.TXT.literal(random) + ", " + Column.NUM.literal(random) + ", " + Column.F8.literal(random) + ")");
        }
        inserts.add(ref.toString());
        return new Dataset(inserts);
    }

    static String t1Row(Random random, int key) {
        StringJoiner row = new StringJoiner(", ", "(", ")");
        row.add(Integer.toString(key));
        for (Column column : Column.values()) {
            row.add(column.literal(random));
        }
        return row.toString();
    }

    static String t2Row(Random random, int key, int seq) {
        return "(" + key + ", " + seq + ", " + Column.I4.literal(random) + ", " + Column.NUM.literal(random) + ", "
                + Column.TXT.literal(random) + ", " + Column.F8.literal(random) + ")";
    }

    private static List<String> t1Columns() {
        List<String> names = new ArrayList<>();
        names.add("id");
        for (Column column : Column.values()) {
            names.add(column.sqlName());
        }
        return List.copyOf(names);
    }

    /** The statements that load the starting rows into one database holding all rows (the oracle). */
    List<String> loadAll() {
        List<String> statements = new ArrayList<>();
        statements.add("TRUNCATE t1, t2, ref");
        statements.addAll(rows);
        return statements;
    }

    /** The statements that load into shard {@code shard} (0-based) the rows its key ranges hold, and every reference row. */
    List<String> loadShard(int shard) {
        List<String> statements = loadAll();
        statements.add("DELETE FROM t1 WHERE NOT " + holds(shard, "id"));
        statements.add("DELETE FROM t2 WHERE NOT " + holds(shard, "id"));
        return statements;
    }

    /** A SQL condition true exactly when {@code column}'s value lies in a key range of shard {@code shard}. */
    static String holds(int shard, String column) {
        StringJoiner ranges = new StringJoiner(" OR ", "(", ")");
        for (int r = 0; r < RANGE_LOWER.length; r++) {
            if (RANGE_SHARD[r] != shard) {
                continue;
            }
            String lower = column + " >= " + RANGE_LOWER[r];
            ranges.add(r + 1 < RANGE_LOWER.length ? "(" + lower + " AND " + column + " < " + RANGE_LOWER[r + 1] + ")" : "(" + lower + ")");
        }
        return ranges.toString();
    }

    /** The key range holding {@code key}: its lower bound and its upper bound (exclusive, as a long). */
    static long[] rangeOf(int key) {
        for (int r = RANGE_LOWER.length - 1; r >= 0; r--) {
            if (key >= RANGE_LOWER[r]) {
                return new long[] {RANGE_LOWER[r], r + 1 < RANGE_LOWER.length ? RANGE_LOWER[r + 1] : (long) Integer.MAX_VALUE + 1};
            }
        }
        throw new IllegalArgumentException("no range holds " + key);
    }

    static int shardOf(int key) {
        for (int r = RANGE_LOWER.length - 1; r >= 0; r--) {
            if (key >= RANGE_LOWER[r]) {
                return RANGE_SHARD[r];
            }
        }
        throw new IllegalArgumentException("no range holds " + key);
    }
}
