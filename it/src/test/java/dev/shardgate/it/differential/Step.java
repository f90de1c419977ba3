package dev.shardgate.it.differential;

import java.util.List;

/**
 * One statement the router and the oracle both run (or, when {@code routerOnly}, only the router:
 * routing hints PostgreSQL does not know).
 *
 * @param parameters bound values (Integer, Long, BigDecimal, Double, String, Boolean, null), for {@code ?}
 * @param copyData   for {@code COPY … FROM STDIN}: the data sent, else null
 */
record Step(Feature feature, Kind kind, String sql, List<Object> parameters, Shape shape, boolean routerOnly,
            String copyData) {

    enum Kind {
        READ,
        WRITE,
        /** BEGIN, SET, COMMIT, ROLLBACK. */
        CONTROL
    }

    static Step read(Feature feature, String sql, Shape shape, Object... parameters) {
        return new Step(feature, Kind.READ, sql, parameters(parameters), shape, false, null);
    }

    static Step write(Feature feature, String sql, Shape shape, Object... parameters) {
        return new Step(feature, Kind.WRITE, sql, parameters(parameters), shape, false, null);
    }

    static Step control(Feature feature, String sql, boolean routerOnly) {
        return new Step(feature, Kind.CONTROL, sql, List.of(), Shape.UNORDERED, routerOnly, null);
    }

    static Step copy(Feature feature, String sql, String data) {
        return new Step(feature, Kind.WRITE, sql, List.of(), Shape.UNORDERED, false, data);
    }

    /** Null is a value here (a bound NULL), which List.of refuses. */
    private static List<Object> parameters(Object... values) {
        return java.util.Collections.unmodifiableList(java.util.Arrays.asList(values));
    }

    boolean isWrite() {
        return kind == Kind.WRITE;
    }

    String describe() {
        String text = sql;
        if (!parameters.isEmpty()) {
            text += "\n    parameters: " + parameters;
        }
        if (copyData != null) {
            text += "\n    copy data: " + copyData.replace("\n", "⏎");
        }
        return text;
    }
}
