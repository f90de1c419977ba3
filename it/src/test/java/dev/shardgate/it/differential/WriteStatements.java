package dev.shardgate.it.differential;

import dev.shardgate.it.differential.ReadStatements.Bound;

import java.util.List;
import java.util.Random;
import java.util.StringJoiner;

/** INSERT, UPDATE, DELETE, writable CTEs and COPY of the generator, one method per {@link Feature}. */
final class WriteStatements {
    /** COPY text-format values with escapes: tab, newline, backslash, NULL marker, multibyte. */
    private static final List<String> COPY_TEXT = List.of("plain", "tab\\there", "line\\nbreak", "back\\\\slash", "\\N", "日本語",
            "é", "", "comma,here", "quote'\"");
    private static final List<String> COPY_CSV_TEXT = List.of("plain", "\"with,comma\"", "\"line\nbreak\"", "\"quote\"\"d\"", "", "é",
            "\"\"");

    private final Random random;
    private final ReadStatements reads;

    WriteStatements(Random random, ReadStatements reads) {
        this.random = random;
        this.reads = reads;
    }

    Step insert() {
        if (random.nextInt(3) == 0) {
            return Step.write(Feature.INSERT, "INSERT INTO t2 (" + Dataset.T2_COLUMNS + ") VALUES "
                    + Dataset.t2Row(random, Keys.pick(random), 1 + random.nextInt(5)), Shape.UNORDERED);
        }
        return insertOf(Feature.INSERT, Keys.pick(random));
    }

    Step insertOf(Feature feature, int key) {
        Bound bound = new Bound(random);
        String row = Dataset.t1Row(random, key);
        String sql = "INSERT INTO t1 (" + String.join(", ", Dataset.T1_COLUMNS) + ") VALUES (" + bound.key(key)
                + row.substring(row.indexOf(','));
        return Step.write(feature, sql + returning(), Shape.UNORDERED, bound.values());
    }

    /** INSERT without a column list: the values fill the columns in the table's order. */
    Step insertPositional() {
        Feature feature = Feature.INSERT_POSITIONAL;
        int key = Keys.pick(random);
        Bound bound = new Bound(random);
        return switch (random.nextInt(6)) {
            case 0, 1 -> {
                String row = Dataset.t1Row(random, key);
                yield Step.write(feature, "INSERT INTO t1 VALUES (" + bound.key(key) + row.substring(row.indexOf(','))
                        + returning(), Shape.UNORDERED, bound.values());
            }
            case 2 -> {
                StringJoiner rows = new StringJoiner(", ");
                for (int i = 2 + random.nextInt(3); i > 0; i--) {
                    rows.add(Dataset.t1Row(random, Keys.pick(random)));
                }
                yield Step.write(feature, "INSERT INTO t1 VALUES " + rows + (random.nextBoolean() ? " ON CONFLICT DO NOTHING" : "")
                        + returning(), Shape.UNORDERED);
            }
            case 3 -> Step.write(feature, "INSERT INTO t2 VALUES " + Dataset.t2Row(random, key, 1 + random.nextInt(5))
                    + ", " + Dataset.t2Row(random, Keys.pick(random), 1 + random.nextInt(5)), Shape.UNORDERED);
            // the first columns only: the others get their defaults
            case 4 -> Step.write(feature, "INSERT INTO t1 VALUES (" + bound.key(key) + ", " + Column.I4.literal(random) + ")",
                    Shape.UNORDERED, bound.values());
            // the shard would compute the key: the router refuses
            default -> Step.write(feature, "INSERT INTO t1 VALUES (DEFAULT, " + Column.I4.literal(random) + ")", Shape.UNORDERED);
        };
    }

    Step insertMulti() {
        StringJoiner rows = new StringJoiner(", ");
        int count = 2 + random.nextInt(3);
        if (random.nextInt(3) == 0) {
            for (int i = 0; i < count; i++) {
                rows.add(Dataset.t2Row(random, Keys.pick(random), 1 + random.nextInt(5)));
            }
            return Step.write(Feature.INSERT_MULTI, "INSERT INTO t2 (" + Dataset.T2_COLUMNS + ") VALUES " + rows
                    + (random.nextBoolean() ? " ON CONFLICT DO NOTHING" : ""), Shape.UNORDERED);
        }
        for (int i = 0; i < count; i++) {
            rows.add(Dataset.t1Row(random, Keys.pick(random)));
        }
        return Step.write(Feature.INSERT_MULTI, "INSERT INTO t1 (" + String.join(", ", Dataset.T1_COLUMNS) + ") VALUES " + rows
                + (random.nextBoolean() ? " ON CONFLICT DO NOTHING" : "") + returning(), Shape.UNORDERED);
    }

    Step insertOnConflict() {
        if (random.nextInt(3) == 0) {
            return Step.write(Feature.INSERT_ON_CONFLICT, "INSERT INTO t2 (" + Dataset.T2_COLUMNS + ") VALUES "
                    + Dataset.t2Row(random, Keys.pick(random), 1 + random.nextInt(3))
                    + " ON CONFLICT (id, seq) DO UPDATE SET txt = EXCLUDED.txt, i4 = t2.i4 + 1", Shape.UNORDERED);
        }
        String action = random.nextBoolean() ? "DO NOTHING" : "DO UPDATE SET i4 = EXCLUDED.i4, txt = EXCLUDED.txt, num = t1.num";
        return Step.write(Feature.INSERT_ON_CONFLICT, "INSERT INTO t1 (" + String.join(", ", Dataset.T1_COLUMNS) + ") VALUES "
                + Dataset.t1Row(random, Keys.pick(random)) + " ON CONFLICT (id) " + action + returning(), Shape.UNORDERED);
    }

    Step update() {
        Column column = Column.any(random);
        return switch (random.nextInt(4)) {
            case 0 -> Step.write(Feature.UPDATE, "UPDATE t1 SET i4 = i4 + 1 WHERE " + reads.condition(column) + returning(), Shape.UNORDERED);
            case 1 -> {
                Bound bound = new Bound(random);
                yield Step.write(Feature.UPDATE, "UPDATE t2 SET txt = " + Column.TXT.literal(random) + " WHERE id = " + bound.key(Keys.pick(random))
                        + " AND seq = " + (1 + random.nextInt(3)), Shape.UNORDERED, bound.values());
            }
            default -> updateOf(Feature.UPDATE, Keys.pick(random));
        };
    }

    Step updateOf(Feature feature, int key) {
        Bound bound = new Bound(random);
        Column column = Column.any(random);
        return Step.write(feature, "UPDATE t1 SET " + column.sqlName() + " = " + column.literal(random) + " WHERE id = " + bound.key(key)
                + returning(), Shape.UNORDERED, bound.values());
    }

    Step updateKey() {
        Bound bound = new Bound(random);
        int from = Keys.pick(random);
        String table = random.nextInt(3) == 0 ? "t2" : "t1";
        String sql = random.nextBoolean()
                ? "UPDATE " + table + " SET id = " + bound.key(Keys.other(random, from)) + " WHERE id = " + bound.key(from)
                : "UPDATE " + table + " SET id = id + " + (1 + random.nextInt(1500)) + " WHERE id = " + bound.key(from);
        return Step.write(Feature.UPDATE_KEY, sql, Shape.UNORDERED, bound.values());
    }

    Step delete() {
        Bound bound = new Bound(random);
        return switch (random.nextInt(4)) {
            case 0 -> Step.write(Feature.DELETE, "DELETE FROM t2 WHERE id = " + bound.key(Keys.pick(random)) + " AND seq > 1",
                    Shape.UNORDERED, bound.values());
            case 1 -> Step.write(Feature.DELETE, "DELETE FROM t2 WHERE i4 = 7", Shape.UNORDERED);
            case 2 -> Step.write(Feature.DELETE, "DELETE FROM t1 WHERE id IN (" + bound.key(Keys.pick(random)) + ", "
                    + bound.key(Keys.pick(random)) + ")" + returning(), Shape.UNORDERED, bound.values());
            default -> deleteOf(Feature.DELETE, Keys.pick(random));
        };
    }

    Step deleteOf(Feature feature, int key) {
        Bound bound = new Bound(random);
        return Step.write(feature, "DELETE FROM t1 WHERE id = " + bound.key(key) + returning(), Shape.UNORDERED, bound.values());
    }

    Step writableCte() {
        Bound bound = new Bound(random);
        int key = Keys.pick(random);
        String sql = switch (random.nextInt(4)) {
            case 0 -> "WITH u AS (UPDATE t1 SET i4 = " + Column.I4.literal(random) + " WHERE id = " + bound.key(key)
                    + " RETURNING id, i4) SELECT * FROM u";
            case 1 -> "WITH d AS (DELETE FROM t2 WHERE id = " + bound.key(key) + " RETURNING id, seq) SELECT count(*) FROM d";
            case 2 -> "WITH i AS (INSERT INTO t2 (" + Dataset.T2_COLUMNS + ") VALUES " + Dataset.t2Row(random, key, 10 + random.nextInt(5))
                    + " RETURNING id, seq) SELECT * FROM i";
            default -> "WITH d AS (DELETE FROM t1 WHERE id = " + bound.key(key) + " RETURNING id, i4) "
                    + "INSERT INTO t2 (id, seq, i4) SELECT id, 99, i4 FROM d ON CONFLICT DO NOTHING";
        };
        return Step.write(Feature.WRITABLE_CTE, sql, Shape.UNORDERED, bound.values());
    }

    Step referenceWrite() {
        int rid = random.nextInt(14) - 2;
        String sql = switch (random.nextInt(4)) {
            case 0 -> "INSERT INTO ref (rid, name, num, f8) VALUES (" + rid + ", " + Column.TXT.literal(random) + ", "
                    + Column.NUM.literal(random) + ", " + Column.F8.literal(random) + ")" + (random.nextBoolean() ? " ON CONFLICT DO NOTHING" : "");
            case 1 -> "UPDATE ref SET name = " + Column.TXT.literal(random) + " WHERE rid = " + rid;
            case 2 -> "DELETE FROM ref WHERE rid = " + rid + (random.nextBoolean() ? " RETURNING rid, name" : "");
            default -> "UPDATE ref SET num = num + 1 WHERE num IS NOT NULL";
        };
        return Step.write(Feature.REFERENCE_WRITE, sql, Shape.UNORDERED);
    }

    /** Writes PostgreSQL rejects: out of range, division by zero, a NULL key. */
    Step failingWrite() {
        Bound bound = new Bound(random);
        String sql = switch (random.nextInt(3)) {
            case 0 -> "INSERT INTO t1 (id, i4) VALUES (" + bound.key(Keys.pick(random)) + ", 3000000000)";
            case 1 -> "UPDATE t1 SET i4 = i4 / 0 WHERE id = " + bound.key(Keys.pick(random));
            default -> "INSERT INTO t1 (id, i4) VALUES (NULL, 1)";
        };
        return Step.write(Feature.ERROR, sql, Shape.UNORDERED, bound.values());
    }

    /** COPY … FROM STDIN in text or CSV format, rows for keys on any shard. */
    Step copy() {
        boolean csv = random.nextBoolean();
        StringBuilder data = new StringBuilder();
        int rows = 1 + random.nextInt(5);
        List<String> texts = csv ? COPY_CSV_TEXT : COPY_TEXT;
        String nullMarker = csv ? "" : "\\N";
        String delimiter = csv ? "," : "\t";
        for (int i = 0; i < rows; i++) {
            String i4 = random.nextInt(5) == 0 ? nullMarker : Integer.toString(random.nextInt(200) - 100);
            String num = random.nextInt(5) == 0 ? nullMarker : random.nextInt(1000) / 100.0 + "";
            data.append(Keys.pick(random)).append(delimiter).append(50 + random.nextInt(20)).append(delimiter).append(i4).append(delimiter)
                    .append(num).append(delimiter).append(texts.get(random.nextInt(texts.size()))).append(delimiter)
                    .append(random.nextBoolean() ? "-0" : "1.5e10").append('\n');
        }
        return Step.copy(Feature.COPY, "COPY t2 (" + Dataset.T2_COLUMNS + ") FROM STDIN" + (csv ? " WITH (FORMAT csv)" : ""), data.toString());
    }

    private String returning() {
        return switch (random.nextInt(4)) {
            case 0 -> " RETURNING id, i4";
            case 1 -> " RETURNING *";
            default -> "";
        };
    }
}
