package dev.shardgate.it.differential;

import dev.shardgate.it.differential.ReadStatements.Bound;
import dev.shardgate.it.differential.Shape.Check;
import dev.shardgate.it.differential.Shape.Ordering;

import java.util.List;
import java.util.Random;

/**
 * SELECTs whose ORDER BY or GROUP BY names items that are not in the select list: the router runs
 * them as hidden columns on the shards. Orders end with a unique item (id, a group key, max(id)),
 * so that the rows' sequence is PostgreSQL's to decide, not a tie's.
 */
final class HiddenColumnStatements {
    /** Columns whose avg and sum are exact, so that an ORDER BY over them cannot swap near ties. */
    private static final List<Column> EXACT_SUMS = List.of(Column.I4, Column.I8, Column.NUM);

    private final Random random;
    private final ReadStatements reads;

    HiddenColumnStatements(Random random, ReadStatements reads) {
        this.random = random;
        this.reads = reads;
    }

    Step order() {
        Feature feature = Feature.HIDDEN_ORDER;
        Column hidden = reads.orderedColumn();
        Bound bound = new Bound(random);
        return switch (random.nextInt(6)) {
            case 0, 1 -> {
                Column shown = Column.any(random);
                String sql = "SELECT id, " + shown.sqlName() + " FROM t1" + reads.whereClause()
                        + " ORDER BY " + hidden.sqlName() + reads.direction() + ", id" + reads.direction();
                boolean limited = random.nextBoolean();
                if (limited) {
                    sql += " LIMIT " + reads.limitValue(bound, 1 + random.nextInt(8));
                    if (random.nextBoolean()) {
                        sql += " OFFSET " + reads.limitValue(bound, random.nextInt(6));
                    }
                }
                yield Step.read(feature, sql, Shape.UNORDERED.ordered(new Ordering(List.of(0), true, limited)), bound.values());
            }
            case 2 -> Step.read(feature, "SELECT id FROM t1" + reads.whereClause() + " ORDER BY " + hidden.sqlName()
                    + reads.direction(), Shape.UNORDERED);
            case 3 -> Step.read(feature, "SELECT " + hidden.sqlName() + " FROM t1 GROUP BY " + hidden.sqlName()
                    + " ORDER BY count(*)" + reads.direction() + ", " + hidden.sqlName() + reads.direction(),
                    new Shape(List.of(Check.VALUE), new Ordering(List.of(0), true, false)));
            case 4 -> {
                Column summed = EXACT_SUMS.get(random.nextInt(EXACT_SUMS.size()));
                String order = random.nextBoolean() ? "avg(" + summed.sqlName() + ")" + reads.direction() + ", " : "";
                yield Step.read(feature, "SELECT " + hidden.sqlName() + ", avg(" + summed.sqlName() + ") FROM t1 GROUP BY "
                        + hidden.sqlName() + " ORDER BY " + order + "max(id)" + reads.direction(),
                        new Shape(List.of(Check.VALUE, Check.EXACT), new Ordering(List.of(0), true, false)));
            }
            default -> {
                // PostgreSQL wants DISTINCT's ORDER BY items in the select list (42P10); the router refuses it
                if (random.nextInt(4) == 0) {
                    yield Step.read(feature, "SELECT DISTINCT i4 FROM t1 ORDER BY " + hidden.sqlName(), Shape.UNORDERED);
                }
                String sql = "SELECT count(*), sum(i4) FROM t1" + reads.whereClause() + " GROUP BY " + hidden.sqlName()
                        + " ORDER BY " + hidden.sqlName() + reads.direction();
                boolean limited = random.nextBoolean();
                if (limited) {
                    sql += " LIMIT " + (1 + random.nextInt(5));
                }
                yield Step.read(feature, sql, new Shape(List.of(Check.EXACT, Check.EXACT), new Ordering(List.of(0), true, limited)),
                        bound.values());
            }
        };
    }

    Step group() {
        Column key = Column.any(random);
        Column other = Column.any(random);
        return switch (random.nextInt(3)) {
            case 0 -> Step.read(Feature.HIDDEN_GROUP, "SELECT count(*), max(i4) FROM t1" + reads.whereClause()
                    + " GROUP BY " + key.sqlName(), Shape.UNORDERED);
            case 1 -> Step.read(Feature.HIDDEN_GROUP, "SELECT " + key.sqlName() + ", count(*) FROM t1 GROUP BY "
                    + key.sqlName() + ", " + other.sqlName(), Shape.checks(Check.VALUE, Check.EXACT));
            default -> Step.read(Feature.HIDDEN_GROUP, "SELECT sum(f8), avg(num) FROM t1 GROUP BY " + key.sqlName(),
                    Shape.checks(Check.APPROXIMATE, Check.EXACT));
        };
    }
}
