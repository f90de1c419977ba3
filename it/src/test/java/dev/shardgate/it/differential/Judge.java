package dev.shardgate.it.differential;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Compares the router's answer with the oracle's (issue 14): the same rows, column types, update
 * counts and SQLSTATE class, or a refusal with 0A000.
 */
final class Judge {
    private Judge() {
    }

    static Verdict judge(Shape shape, Answer router, Answer oracle) {
        if (overflowDependsOnOrder(shape, router, oracle) || overflowDependsOnOrder(shape, oracle, router)) {
            return Verdict.MATCH;
        }
        if (router instanceof Answer.Failure failure && failure.isRefusal()
                && !(oracle instanceof Answer.Failure o && o.sqlStateClass().equals("0A"))) {
            return new Verdict.Refused(failure.message());
        }
        return switch (router) {
            case Answer.Failure r -> switch (oracle) {
                case Answer.Failure o -> r.sqlStateClass().equals(o.sqlStateClass()) ? Verdict.MATCH
                        : new Verdict.Wrong("SQLSTATE class " + r.sqlStateClass() + " instead of " + o.sqlStateClass());
                case Answer.Rows o -> new Verdict.Wrong("error instead of rows");
                case Answer.Count o -> new Verdict.Wrong("error instead of success");
            };
            case Answer.Count r -> switch (oracle) {
                case Answer.Failure o -> new Verdict.Wrong("success instead of error " + o.sqlState());
                case Answer.Rows o -> new Verdict.Wrong("no result set where PostgreSQL returns rows");
                case Answer.Count o -> r.count() == o.count() ? Verdict.MATCH
                        : new Verdict.Wrong("update count " + r.count() + " instead of " + o.count());
            };
            case Answer.Rows r -> switch (oracle) {
                case Answer.Failure o -> new Verdict.Wrong("rows instead of error " + o.sqlState());
                case Answer.Count o -> new Verdict.Wrong("a result set where PostgreSQL returns none");
                case Answer.Rows o -> rows(shape, r, o);
            };
        };
    }

    /**
     * A float sum overflows (22003) when two finite addends exceed the range, but not when an
     * infinite value came first: with ±Infinity among the inputs, whether PostgreSQL raises the
     * error depends on the order of summation, which legitimately differs over several shards.
     */
    private static boolean overflowDependsOnOrder(Shape shape, Answer failed, Answer succeeded) {
        if (!(failed instanceof Answer.Failure failure && "22003".equals(failure.sqlState())
                && succeeded instanceof Answer.Rows rows)) {
            return false;
        }
        for (List<String> row : rows.rows()) {
            for (int c = 0; c < row.size(); c++) {
                String value = row.get(c);
                if (shape.check(c) == Shape.Check.APPROXIMATE && value != null && (value.endsWith("Infinity") || value.equals("NaN"))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Verdict rows(Shape shape, Answer.Rows router, Answer.Rows oracle) {
        if (!router.types().equals(oracle.types())) {
            return new Verdict.Wrong("column types " + router.types() + " instead of " + oracle.types());
        }
        if (router.rows().size() != oracle.rows().size()) {
            return new Verdict.Wrong(router.rows().size() + " rows instead of " + oracle.rows().size());
        }
        List<String> types = oracle.types();
        Shape.Ordering ordering = shape.ordering();
        if (ordering != null && ordering.total()) {
            return sameSequence(shape, types, router.rows(), oracle.rows(), "in ORDER BY order");
        }
        if (ordering != null) {
            List<List<String>> routerKeys = project(shape, types, router.rows(), ordering.keys());
            List<List<String>> oracleKeys = project(shape, types, oracle.rows(), ordering.keys());
            if (!routerKeys.equals(oracleKeys)) {
                return new Verdict.Wrong("the sort keys " + ordering.keys() + " differ in sequence: " + firstDifference(routerKeys, oracleKeys));
            }
            if (ordering.limited()) {
                return Verdict.MATCH; // which of tied rows LIMIT keeps is not determined
            }
        }
        Comparator<List<String>> byContent = Comparator.comparing(row -> sortKey(shape, types, row));
        List<List<String>> routerRows = new ArrayList<>(router.rows());
        List<List<String>> oracleRows = new ArrayList<>(oracle.rows());
        routerRows.sort(byContent);
        oracleRows.sort(byContent);
        return sameSequence(shape, types, routerRows, oracleRows, "as multisets");
    }

    private static Verdict sameSequence(Shape shape, List<String> types, List<List<String>> router, List<List<String>> oracle, String how) {
        for (int i = 0; i < oracle.size(); i++) {
            for (int c = 0; c < types.size(); c++) {
                if (!Values.same(types.get(c), shape.check(c), router.get(i).get(c), oracle.get(i).get(c))) {
                    return new Verdict.Wrong("rows differ " + how + " at row " + (i + 1) + " column " + (c + 1) + ": "
                            + router.get(i) + " instead of " + oracle.get(i));
                }
            }
        }
        return Verdict.MATCH;
    }

    private static List<List<String>> project(Shape shape, List<String> types, List<List<String>> rows, List<Integer> keys) {
        List<List<String>> projected = new ArrayList<>();
        for (List<String> row : rows) {
            List<String> values = new ArrayList<>();
            for (int key : keys) {
                values.add(Values.canonical(types.get(key), Shape.Check.VALUE, row.get(key)));
            }
            projected.add(values);
        }
        return projected;
    }

    private static String firstDifference(List<List<String>> router, List<List<String>> oracle) {
        for (int i = 0; i < Math.min(router.size(), oracle.size()); i++) {
            if (!router.get(i).equals(oracle.get(i))) {
                return "row " + (i + 1) + " " + router.get(i) + " instead of " + oracle.get(i);
            }
        }
        return "lengths " + router.size() + " and " + oracle.size();
    }

    /** Exact and value columns first, approximate ones last, so that near-equal floats rarely reorder rows. */
    private static String sortKey(Shape shape, List<String> types, List<String> row) {
        StringBuilder key = new StringBuilder();
        StringBuilder approximate = new StringBuilder();
        for (int c = 0; c < row.size(); c++) {
            StringBuilder target = shape.check(c) == Shape.Check.APPROXIMATE ? approximate : key;
            target.append(Values.canonical(types.get(c), shape.check(c), row.get(c))).append('\u0001');
        }
        return key.append(approximate).toString();
    }
}
