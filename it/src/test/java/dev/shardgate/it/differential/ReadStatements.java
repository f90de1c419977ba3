package dev.shardgate.it.differential;

import dev.shardgate.it.differential.Shape.Check;
import dev.shardgate.it.differential.Shape.Ordering;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;

/** The SELECT statements of the generator, one method per {@link Feature}. */
final class ReadStatements {
    private final Random random;

    ReadStatements(Random random) {
        this.random = random;
    }

    Step pointSelect() {
        return pointSelectOf(Feature.POINT_SELECT, Keys.pick(random));
    }

    Step pointSelectOf(Feature feature, int key) {
        Bound bound = new Bound(random);
        if (random.nextInt(3) == 0) {
            return Step.read(feature, "SELECT id, seq, i4, num, txt FROM t2 WHERE id = " + bound.key(key) + " ORDER BY seq",
                    Shape.UNORDERED.ordered(new Ordering(List.of(1), true, false)), bound.values());
        }
        return Step.read(feature, "SELECT " + selectList() + " FROM t1 WHERE id = " + bound.key(key), Shape.UNORDERED, bound.values());
    }

    Step inList() {
        Bound bound = new Bound(random);
        StringJoiner keys = new StringJoiner(", ", "(", ")");
        int count = 2 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            keys.add(bound.key(Keys.pick(random)));
        }
        String table = random.nextInt(3) == 0 ? "t2" : "t1";
        String columns = table.equals("t2") ? "id, seq, txt, f8" : selectList();
        return Step.read(Feature.IN_LIST, "SELECT " + columns + " FROM " + table + " WHERE id IN " + keys, Shape.UNORDERED, bound.values());
    }

    Step range() {
        Bound bound = new Bound(random);
        int a = Keys.pick(random);
        int b = Keys.pick(random);
        long[] within = Dataset.rangeOf(a);
        long last = Math.min(within[1] - 1, Integer.MAX_VALUE);
        String condition = switch (random.nextInt(12)) {
            case 0 -> "id BETWEEN " + bound.key(Math.min(a, b)) + " AND " + bound.key(Math.max(a, b));
            case 1 -> "id >= " + bound.key(Math.min(a, b)) + " AND id < " + bound.key(Math.max(a, b));
            case 2 -> "id > " + bound.key(a);
            case 3 -> "id <= " + bound.key(a);
            // within the key range holding a: one shard, so BLOCK runs it too
            case 4 -> "id BETWEEN " + bound.key(a) + " AND " + bound.key((int) Math.min(last, (long) a + random.nextInt(300)));
            case 5 -> "id >= " + within[0] + " AND id < " + Math.min(within[1], Integer.MAX_VALUE) + " AND id <> " + bound.key(b);
            case 6 -> "id > " + ((long) a - 1) + ".5 AND id < " + a + ".5";
            case 7 -> "id = ANY(ARRAY[" + bound.key(a) + ", " + bound.key(b) + "]::int[])";
            case 8 -> "id < " + bound.key(Math.min(a, b)) + " OR id > " + bound.key(Math.max(a, b));
            case 9 -> "(id = " + bound.key(a) + " OR id BETWEEN " + bound.key(Math.min(a, b)) + " AND " + bound.key(Math.max(a, b))
                    + ") AND id >= " + bound.key(Math.min(a, b));
            case 10 -> "id >= " + bound.key(a) + " AND id <= " + bound.key(a) + " OR id IN (" + bound.key(b) + ", " + bound.key(a) + ")";
            default -> "id < " + a + " AND id > " + a + " OR id = " + bound.key(b);
        };
        return Step.read(Feature.RANGE, "SELECT " + selectList() + " FROM t1 WHERE " + condition, Shape.UNORDERED, bound.values());
    }

    /** Rows of the key range holding {@code key}, without naming the key: a routing hint must route it. */
    Step withinRangeOf(Feature feature, int key) {
        long[] range = Dataset.rangeOf(key);
        return Step.read(feature, "SELECT id, i4, txt FROM t1 WHERE id >= " + range[0] + " AND id < " + range[1], Shape.UNORDERED);
    }

    Step keylessScan() {
        return switch (random.nextInt(4)) {
            case 0 -> Step.read(Feature.KEYLESS_SCAN, "SELECT " + selectList() + " FROM t1", Shape.UNORDERED);
            case 1 -> Step.read(Feature.KEYLESS_SCAN, "SELECT * FROM t2 WHERE " + t2Condition(), Shape.UNORDERED);
            default -> Step.read(Feature.KEYLESS_SCAN, "SELECT " + selectList() + " FROM t1 WHERE " + condition(Column.any(random)),
                    Shape.UNORDERED);
        };
    }

    Step aggregate() {
        Column column = Column.any(random);
        List<String> items = new ArrayList<>();
        List<Check> checks = new ArrayList<>();
        items.add("count(*)");
        items.add("count(" + column.sqlName() + ")");
        checks.add(Check.EXACT);
        checks.add(Check.EXACT);
        if (column.ordered) {
            // among equal values of different text (1 mon, 720:00:00) min/max keep the one met first or last: the row order decides
            items.add("min(" + column.sqlName() + ")");
            items.add("max(" + column.sqlName() + ")");
            checks.add(Check.VALUE);
            checks.add(Check.VALUE);
        }
        if (column == Column.FLAG) {
            items.add("bool_and(flag)");
            items.add("bool_or(flag)");
        }
        while (checks.size() < items.size()) {
            checks.add(Check.EXACT);
        }
        if (column.summable) {
            items.add("sum(" + column.sqlName() + ")");
            items.add("avg(" + column.sqlName() + ")");
            checks.add(Check.APPROXIMATE);
            checks.add(Check.APPROXIMATE);
            if (column != Column.IV && random.nextInt(3) == 0) {
                items.add("stddev(" + column.sqlName() + ")");
                checks.add(Check.APPROXIMATE);
            }
        }
        String where = whereClause();
        return Step.read(Feature.AGGREGATE, "SELECT " + String.join(", ", items) + " FROM t1" + where,
                new Shape(checks, null));
    }

    Step groupBy() {
        Column key = Column.any(random);
        Column measured = Column.any(random);
        List<Check> checks = new ArrayList<>(List.of(Check.VALUE, Check.EXACT));
        StringBuilder items = new StringBuilder(key.sqlName() + ", count(*)");
        if (measured.summable) {
            items.append(", sum(").append(measured.sqlName()).append("), avg(").append(measured.sqlName()).append(')');
            checks.add(Check.APPROXIMATE);
            checks.add(Check.APPROXIMATE);
        } else if (measured.ordered) {
            items.append(", max(").append(measured.sqlName()).append(')');
            checks.add(Check.VALUE);
        }
        String sql = "SELECT " + items + " FROM t1 GROUP BY " + key.sqlName();
        Shape shape = new Shape(checks, null);
        if (key.ordered && random.nextBoolean()) {
            sql += " ORDER BY " + key.sqlName() + direction();
            shape = shape.ordered(new Ordering(List.of(0), true, false));
        }
        return Step.read(Feature.GROUP_BY, sql, shape);
    }

    Step distinct() {
        Column column = Column.any(random);
        return switch (random.nextInt(3)) {
            case 0 -> Step.read(Feature.DISTINCT, "SELECT DISTINCT " + column.sqlName() + " FROM t1", Shape.checks(Check.VALUE));
            case 1 -> {
                Column second = Column.any(random);
                yield Step.read(Feature.DISTINCT, "SELECT DISTINCT " + column.sqlName() + ", " + second.sqlName() + " FROM t1",
                        Shape.checks(Check.VALUE, Check.VALUE));
            }
            default -> Step.read(Feature.DISTINCT, "SELECT count(DISTINCT " + column.sqlName() + ") FROM t1", Shape.UNORDERED);
        };
    }

    /** ORDER BY a column, sometimes with the unique id last (a total order), sometimes with LIMIT/OFFSET. */
    Step orderBy(boolean limited) {
        Column column = orderedColumn();
        boolean total = random.nextBoolean();
        String sql = "SELECT id, " + column.sqlName() + " FROM t1" + (random.nextInt(3) == 0 ? " WHERE " + condition(Column.any(random)) : "")
                + " ORDER BY " + column.sqlName() + direction() + (total ? ", id" + direction() : "");
        Bound bound = new Bound(random);
        if (limited) {
            sql += " LIMIT " + limitValue(bound, 1 + random.nextInt(8));
            if (random.nextBoolean()) {
                sql += " OFFSET " + limitValue(bound, random.nextInt(6));
            }
        }
        List<Integer> keys = total ? List.of(1, 0) : List.of(1);
        return Step.read(limited ? Feature.ORDER_LIMIT : Feature.ORDER_BY, sql,
                Shape.UNORDERED.ordered(new Ordering(keys, total, limited)), bound.values());
    }

    Step having() {
        Column key = Column.any(random);
        String condition = switch (random.nextInt(3)) {
            case 0 -> "count(*) > 1";
            case 1 -> "sum(i4) > 0";
            default -> "max(id) > 1000";
        };
        return Step.read(Feature.HAVING, "SELECT " + key.sqlName() + ", count(*) FROM t1 GROUP BY " + key.sqlName() + " HAVING " + condition,
                Shape.checks(Check.VALUE, Check.EXACT));
    }

    Step joinOnKey() {
        Bound bound = new Bound(random);
        String join = random.nextBoolean() ? "JOIN" : "LEFT JOIN";
        String where = switch (random.nextInt(3)) {
            case 0 -> " WHERE t1.id = " + bound.key(Keys.pick(random));
            case 1 -> " WHERE t2.id = " + bound.key(Keys.pick(random));
            default -> "";
        };
        return Step.read(Feature.JOIN_ON_KEY, "SELECT t1.id, t1.i4, t1.txt, t2.seq, t2.num FROM t1 " + join + " t2 ON t1.id = t2.id" + where,
                Shape.UNORDERED, bound.values());
    }

    Step joinOffKey() {
        Bound bound = new Bound(random);
        String where = random.nextBoolean() ? " WHERE t1.id = " + bound.key(Keys.pick(random)) : "";
        String on = random.nextBoolean() ? "t1.i4 = t2.i4" : "t1.txt = t2.txt";
        return Step.read(Feature.JOIN_OFF_KEY, "SELECT t1.id, t2.id, t2.seq FROM t1 JOIN t2 ON " + on + where, Shape.UNORDERED, bound.values());
    }

    Step joinReference() {
        Bound bound = new Bound(random);
        return switch (random.nextInt(3)) {
            case 0 -> Step.read(Feature.JOIN_REFERENCE, "SELECT t1.id, ref.name, ref.num FROM t1 JOIN ref ON t1.i4 = ref.rid"
                    + (random.nextBoolean() ? " WHERE t1.id = " + bound.key(Keys.pick(random)) : ""), Shape.UNORDERED, bound.values());
            case 1 -> Step.read(Feature.JOIN_REFERENCE, "SELECT * FROM ref WHERE rid < " + random.nextInt(10), Shape.UNORDERED);
            default -> Step.read(Feature.JOIN_REFERENCE, "SELECT count(*), sum(num) FROM ref", Shape.UNORDERED);
        };
    }

    Step subquery() {
        Bound bound = new Bound(random);
        String sql = switch (random.nextInt(5)) {
            case 0 -> "SELECT id, i4 FROM t1 WHERE i4 IN (SELECT i4 FROM t2 WHERE id = " + bound.key(Keys.pick(random)) + ")";
            case 1 -> "SELECT id FROM t1 WHERE id = " + bound.key(Keys.pick(random)) + " AND EXISTS (SELECT 1 FROM t2 WHERE t2.id = t1.id)";
            case 2 -> "SELECT count(*) FROM (SELECT DISTINCT txt FROM t1) s";
            case 3 -> "SELECT id, (SELECT count(*) FROM t2 WHERE t2.id = t1.id) FROM t1 WHERE id IN ("
                    + bound.key(Keys.pick(random)) + ", " + bound.key(Keys.pick(random)) + ")";
            default -> "SELECT * FROM (SELECT id, i4, num FROM t1 WHERE id = " + bound.key(Keys.pick(random)) + ") s";
        };
        return Step.read(Feature.SUBQUERY, sql, Shape.UNORDERED, bound.values());
    }

    /**
     * Statements over t1 and t2 co-located on id (issue 20, item 1): joins, subqueries, CTEs and
     * derived tables on the key, and HAVING, windows, DISTINCT ON and count(DISTINCT) grouped by it.
     */
    Step coLocated() {
        Bound bound = new Bound(random);
        String keyed = random.nextInt(3) == 0 ? " AND t1.id IN (" + bound.key(Keys.pick(random)) + ", " + bound.key(Keys.pick(random)) + ")" : "";
        Shape shape = Shape.UNORDERED;
        String sql = switch (random.nextInt(15)) {
            case 0 -> "SELECT t1.id, t2.seq, t2.i4 FROM t1 JOIN t2 ON t2.id = t1.id WHERE t2.seq > 1" + keyed;
            case 1 -> "SELECT t1.id, count(t2.seq) FROM t1 LEFT JOIN t2 ON t1.id = t2.id WHERE true" + keyed
                    + " GROUP BY t1.id HAVING count(t2.seq) <> 1";
            case 2 -> "SELECT t1.id, count(DISTINCT t2.i4), sum(t2.i4) FROM t1 JOIN t2 ON t2.id = t1.id WHERE true" + keyed + " GROUP BY t1.id";
            case 3 -> "SELECT id, i4 FROM t1 WHERE EXISTS (SELECT 1 FROM t2 WHERE t2.id = t1.id AND t2.seq > 2)" + keyed;
            case 4 -> "SELECT id FROM t1 WHERE NOT EXISTS (SELECT 1 FROM t2 WHERE t2.id = t1.id)" + keyed;
            case 5 -> "SELECT id, i4 FROM t1 WHERE id IN (SELECT id FROM t2 WHERE i4 > 0)" + keyed;
            case 6 -> "WITH s AS (SELECT id, count(*) AS n FROM t2 GROUP BY id) SELECT t1.id, s.n FROM t1 JOIN s ON s.id = t1.id WHERE true" + keyed;
            case 7 -> "SELECT t1.id, s.total FROM t1 JOIN (SELECT id, sum(i4) AS total FROM t2 GROUP BY id) s ON s.id = t1.id WHERE true" + keyed;
            case 8 -> "SELECT id, seq, row_number() OVER (PARTITION BY id ORDER BY seq), sum(i4) OVER (PARTITION BY id) FROM t2";
            case 9 -> {
                shape = Shape.UNORDERED.ordered(new Ordering(List.of(0, 1), true, false));
                yield "SELECT DISTINCT ON (id) id, seq, i4 FROM t2 ORDER BY id, seq";
            }
            case 10 -> "SELECT id, count(*), max(i4) FROM t2 GROUP BY id HAVING count(*) > 1";
            case 11 -> "SELECT t1.id, (SELECT max(seq) FROM t2 WHERE t2.id = t1.id) FROM t1 WHERE true" + keyed;
            case 12 -> "SELECT t1.id, t2.seq, ref.name FROM t1 JOIN t2 ON t2.id = t1.id JOIN ref ON ref.rid = t2.i4 WHERE true" + keyed;
            case 13 -> "SELECT count(*), sum(t2.i4) FROM t1 JOIN t2 ON t1.id = t2.id WHERE true" + keyed;
            default -> "SELECT t1.id, t2.seq FROM t1 FULL JOIN t2 ON t1.id = t2.id AND t2.seq > 1";
        };
        return Step.read(Feature.CO_LOCATED, sql, shape, bound.values());
    }

    Step union() {
        Bound bound = new Bound(random);
        String union = random.nextBoolean() ? " UNION " : " UNION ALL ";
        String sql = switch (random.nextInt(3)) {
            case 0 -> "SELECT id FROM t1 WHERE id = " + bound.key(Keys.pick(random)) + union + "SELECT id FROM t2 WHERE id = "
                    + bound.key(Keys.pick(random));
            case 1 -> "SELECT i4 FROM t1" + union + "SELECT i4 FROM t2";
            default -> "SELECT txt FROM t1 WHERE id = " + bound.key(Keys.pick(random)) + union + "SELECT name FROM ref";
        };
        return Step.read(Feature.UNION, sql, Shape.UNORDERED, bound.values());
    }

    /**
     * Reads only finishing on one shard answers: aggregate expressions, DISTINCT ON and GROUPING SETS
     * off the key, INTERSECT/EXCEPT, ORDER BY expressions, subqueries and joins off the key with a
     * keyed filter that goes with the pull.
     */
    Step finish() {
        Bound bound = new Bound(random);
        String sql = switch (random.nextInt(8)) {
            // max and min keep whichever of equal numerics (2.0, 2.00) the row order brings, so their
            // difference's scale is PostgreSQL's own chance: rounded to a fixed scale it is not
            case 0 -> "SELECT i4, sum(i8) / count(*), round(max(num) - min(num), 2) FROM t1 GROUP BY i4";
            case 1 -> "SELECT DISTINCT ON (i4) i4, id FROM t1 ORDER BY i4, id DESC";
            case 2 -> "SELECT i4, flag, count(*), sum(i8) FROM t1 GROUP BY " + (random.nextBoolean()
                    ? "GROUPING SETS ((i4), (flag), ())" : "ROLLUP (i4, flag)");
            case 3 -> "SELECT i4 FROM t1 " + (random.nextBoolean() ? "INTERSECT" : "EXCEPT ALL") + " SELECT i4 FROM t2";
            case 4 -> "SELECT id, i4 FROM t1 ORDER BY i4 % 3, id";
            case 5 -> "SELECT count(*), sum(i4) FROM t1 WHERE i4 > (SELECT avg(i4) FROM t2 WHERE id < "
                    + bound.key(Keys.pick(random)) + ")";
            case 6 -> "SELECT t1.id, t2.id, t2.seq FROM t1 JOIN t2 ON t2.i4 = t1.i4 WHERE t1.id BETWEEN 900 AND 2100"
                    + " AND t2.seq > 1";
            default -> "SELECT t1.txt, count(*) FROM t1 LEFT JOIN t2 ON t2.txt = t1.txt WHERE t2.id IS NULL GROUP BY t1.txt"
                    + " HAVING count(*) >= 1";
        };
        return Step.read(Feature.FINISH, sql, Shape.UNORDERED, bound.values());
    }

    Step window() {
        Bound bound = new Bound(random);
        String sql = switch (random.nextInt(3)) {
            case 0 -> "SELECT id, row_number() OVER (ORDER BY id) FROM t1"
                    + (random.nextBoolean() ? " WHERE id = " + bound.key(Keys.pick(random)) : "");
            case 1 -> "SELECT id, seq, sum(i4) OVER (PARTITION BY id ORDER BY seq) FROM t2"
                    + (random.nextBoolean() ? " WHERE id = " + bound.key(Keys.pick(random)) : "");
            default -> "SELECT id, rank() OVER (ORDER BY i4) FROM t1 WHERE id IN (" + bound.key(Keys.pick(random)) + ", "
                    + bound.key(Keys.pick(random)) + ", " + bound.key(Keys.pick(random)) + ")";
        };
        return Step.read(Feature.WINDOW, sql, Shape.UNORDERED, bound.values());
    }

    Step view() {
        Bound bound = new Bound(random);
        String sql = switch (random.nextInt(3)) {
            case 0 -> "SELECT * FROM v1 WHERE id = " + bound.key(Keys.pick(random));
            case 1 -> "SELECT count(*) FROM v1";
            default -> "SELECT id, txt FROM v1 WHERE i4 > 0";
        };
        return Step.read(Feature.VIEW, sql, Shape.UNORDERED, bound.values());
    }

    Step function() {
        Bound bound = new Bound(random);
        int a = Keys.pick(random);
        int b = Keys.pick(random);
        if (random.nextBoolean()) {
            return Step.read(Feature.FUNCTION, "SELECT t1_between(" + bound.key(Math.min(a, b)) + ", " + bound.key(Math.max(a, b)) + ")",
                    Shape.UNORDERED, bound.values());
        }
        return Step.read(Feature.FUNCTION, "SELECT id, t1_between(0, id) FROM t1 WHERE id = " + bound.key(a), Shape.UNORDERED, bound.values());
    }

    /** Statements PostgreSQL may reject (division by zero, overflow, bad casts): the SQLSTATE class must match. */
    Step failing() {
        Bound bound = new Bound(random);
        String sql = switch (random.nextInt(6)) {
            case 0 -> "SELECT id, 1 / (i4 - i4) FROM t1 WHERE id = " + bound.key(Keys.pick(random));
            case 1 -> "SELECT 1 / 0";
            case 2 -> "SELECT i4 * 2147483647 FROM t1 WHERE id = " + bound.key(Keys.pick(random));
            case 3 -> "SELECT sum(1 / (i4 - i4)) FROM t1";
            case 4 -> "SELECT txt::int FROM t1 WHERE id = " + bound.key(Keys.pick(random));
            default -> "SELECT i8 + 9223372036854775807 FROM t1";
        };
        return Step.read(Feature.ERROR, sql, Shape.UNORDERED, bound.values());
    }

    /** 2 to 4 columns of t1, the key first. */
    String selectList() {
        StringJoiner columns = new StringJoiner(", ");
        columns.add("id");
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            columns.add(Column.any(random).sqlName());
        }
        return columns.toString();
    }

    Column orderedColumn() {
        Column column;
        do {
            column = Column.any(random);
        } while (!column.ordered);
        return column;
    }

    String direction() {
        return switch (random.nextInt(5)) {
            case 0 -> " DESC";
            case 1 -> " NULLS FIRST";
            case 2 -> " DESC NULLS LAST";
            case 3 -> " ASC";
            default -> "";
        };
    }

    String limitValue(Bound bound, int value) {
        return random.nextInt(4) == 0 ? bound.value(value) : Integer.toString(value);
    }

    /** A condition on a non-key column of t1. */
    String condition(Column column) {
        String name = column.sqlName();
        return switch (random.nextInt(5)) {
            case 0 -> name + " IS NULL";
            case 1 -> name + " IS NOT NULL";
            case 2 -> column.ordered ? name + " > " + column.literal(random) : name + " = " + column.literal(random);
            default -> name + " = " + column.literal(random);
        };
    }

    private String t2Condition() {
        return switch (random.nextInt(3)) {
            case 0 -> "i4 > 0";
            case 1 -> "txt IS NOT NULL";
            default -> "seq > 1";
        };
    }

    /** "" (no WHERE), a keyless condition, or keys. */
    String whereClause() {
        return switch (random.nextInt(3)) {
            case 0 -> "";
            case 1 -> " WHERE " + condition(Column.any(random));
            default -> " WHERE id IN (" + Keys.pick(random) + ", " + Keys.pick(random) + ")";
        };
    }

    /** Writes a key as a literal or as a bound parameter (collected in order). */
    static final class Bound {
        private final Random random;
        private final List<Object> values = new ArrayList<>();

        Bound(Random random) {
            this.random = random;
        }

        String key(int key) {
            return value(key);
        }

        String value(Object value) {
            if (random.nextBoolean()) {
                values.add(value);
                return "?";
            }
            return value.toString();
        }

        Object[] values() {
            return values.toArray();
        }
    }
}
