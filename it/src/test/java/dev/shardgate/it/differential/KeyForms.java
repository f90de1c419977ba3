package dev.shardgate.it.differential;

import java.math.BigDecimal;
import java.util.Random;

/**
 * The sharding key written in the other ways SQL allows — a quoted literal, a cast, a numeric
 * literal, a bigint or numeric parameter, ANY(ARRAY[…]), OR, the key on the right, repeated or
 * contradictory conditions — in reads, and in INSERTs (columns in another order, INSERT … SELECT).
 */
final class KeyForms {
    private final Random random;

    KeyForms(Random random) {
        this.random = random;
    }

    Step next() {
        int key = Keys.pick(random);
        int other = Keys.pick(random);
        if (random.nextInt(3) == 0) {
            return write(key);
        }
        String select = "SELECT id, i4, txt FROM t1 WHERE ";
        return switch (random.nextInt(12)) {
            case 0 -> read(select + "id = '" + key + "'");
            case 1 -> read(select + "id = " + key + "::bigint");
            case 2 -> read(select + "id = " + key + ".0");
            case 3 -> read(select + "id = ?", (long) key);
            case 4 -> read(select + "id = ?", BigDecimal.valueOf(key));
            case 5 -> read(select + "id = ANY(ARRAY[" + key + ", " + other + "])");
            case 6 -> read(select + "id = " + key + " OR id = " + other);
            case 7 -> read(select + key + " = id");
            case 8 -> read(select + "id IN (" + key + ", " + key + ")");
            case 9 -> read(select + "id = " + key + " AND id = " + other);
            case 10 -> read(select + "(id) = " + key + " AND i4 IS NOT NULL");
            default -> read(select + "id + 0 = " + key);
        };
    }

    private Step write(int key) {
        String sql = switch (random.nextInt(6)) {
            case 0 -> "INSERT INTO t1 (id, i4) VALUES ('" + key + "', 1)";
            case 1 -> "INSERT INTO t1 (id, i4) VALUES (" + key + "::bigint, 2)";
            case 2 -> "INSERT INTO t1 (i4, txt, id) VALUES (3, 'reordered', " + key + ")";
            case 3 -> "INSERT INTO t1 (id, i4) SELECT " + key + ", 4";
            case 4 -> "UPDATE t1 SET i4 = 5 WHERE id = " + key + "::bigint";
            default -> "DELETE FROM t1 WHERE id = '" + key + "'";
        };
        if (random.nextInt(4) == 0) {
            return Step.write(Feature.KEY_FORMS, "INSERT INTO t1 (id, i4) VALUES (?, 6)", Shape.UNORDERED, (long) key);
        }
        return Step.write(Feature.KEY_FORMS, sql, Shape.UNORDERED);
    }

    private static Step read(String sql, Object... parameters) {
        return Step.read(Feature.KEY_FORMS, sql, Shape.UNORDERED, parameters);
    }
}
