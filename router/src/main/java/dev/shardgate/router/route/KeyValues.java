package dev.shardgate.router.route;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.sql.LiteralKind;
import dev.shardgate.sql.Value;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Set;

/**
 * The text of a key value as its distribution compares it. A numeric constant meets an integer key
 * column the way PostgreSQL makes them meet: compared ({@code id = 1000.0} is {@code id = 1000};
 * {@code id = 1000.5} matches no integer), or assigned to a new row, where numeric rounds half away
 * from zero and float rounds half to even (numeric_int4, dtoi4 in PostgreSQL's sources).
 */
final class KeyValues {
    private static final Set<String> NUMERIC_TYPES = Set.of("numeric", "decimal", "float4", "float8");
    private static final Set<String> FLOAT_TYPES = Set.of("float4", "float8");
    private static final Set<String> INTEGER_TYPES = Set.of("int2", "int4", "int8", "integer", "bigint", "smallint");

    private KeyValues() {
    }

    /** What a value says about a key: its text, unknown (not a constant, or an unbound parameter), or no row at all. */
    sealed interface Key {
        record Text(String text) implements Key {}

        record Unknown() implements Key {}

        /** Compared with the column, the value matches no row of it: {@code id = 1000.5}, {@code id = NULL}. */
        record NoRow() implements Key {}
    }

    static final Key UNKNOWN = new Key.Unknown();
    static final Key NO_ROW = new Key.NoRow();

    /**
     * @param newRow the value is assigned to a new row's column (INSERT) rather than compared with it
     */
    static Key of(Value value, ColumnType type, boolean newRow, BoundValues bound) {
        return switch (value) {
            case null -> UNKNOWN;
            case Value.Param param -> {
                // NULL, or a binary value of a type the router does not read
                String text = bound == null ? null : bound.text(param.number());
                yield text == null ? UNKNOWN : new Key.Text(text);
            }
            case Value.Literal literal -> literal(literal, type, newRow);
        };
    }

    private static Key literal(Value.Literal literal, ColumnType type, boolean newRow) {
        if (literal.kind() == LiteralKind.NULL || literal.text() == null) {
            return newRow ? UNKNOWN : NO_ROW;
        }
        boolean integerColumn = type == ColumnType.INTEGER || type == ColumnType.INTEGER_HASH;
        if (!integerColumn || !isNumeric(literal)) {
            return new Key.Text(literal.text());
        }
        BigDecimal number;
        try {
            number = new BigDecimal(literal.text());
        } catch (NumberFormatException e) {
            return new Key.Text(literal.text()); // NaN, Infinity: the distribution's own error
        }
        if (newRow || (literal.castType() != null && INTEGER_TYPES.contains(literal.castType()))) {
            RoundingMode rounding = literal.castType() != null && FLOAT_TYPES.contains(literal.castType())
                    ? RoundingMode.HALF_EVEN : RoundingMode.HALF_UP;
            return new Key.Text(number.setScale(0, rounding).toBigInteger().toString());
        }
        BigDecimal integral = number.setScale(0, RoundingMode.DOWN);
        return integral.compareTo(number) == 0 ? new Key.Text(integral.toBigInteger().toString()) : NO_ROW;
    }

    /** A numeric constant ({@code 1e3}, {@code 1000.0}) or a constant cast to a numeric type. */
    private static boolean isNumeric(Value.Literal literal) {
        String cast = literal.castType();
        if (cast != null) {
            return NUMERIC_TYPES.contains(cast) || (INTEGER_TYPES.contains(cast) && literal.kind() == LiteralKind.FLOAT);
        }
        return literal.kind() == LiteralKind.FLOAT;
    }
}
