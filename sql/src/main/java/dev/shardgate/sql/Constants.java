package dev.shardgate.sql;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads constants and bind parameters out of expressions, looking through casts. Needs the parsed
 * text: libpg_query 15-4.0.0 prints a negative integer constant as {@code {"ival": {}}}, the same
 * as 0, so such a constant's value is read back from the text at its location.
 */
final class Constants {
    private static final Pattern INTEGER = Pattern.compile("-?[0-9]+");
    private static final Pattern LEADING_ZEROS = Pattern.compile("^0+(?=.)");

    private final byte[] source;

    /** @param source the UTF-8 text that was parsed; node locations are byte offsets into it */
    Constants(byte[] source) {
        this.source = source;
    }

    /** The value an expression is, when it is a constant or {@code $n}, either possibly cast; else null. */
    Value valueOf(Node expression) {
        if (expression == null) {
            return null;
        }
        return switch (expression.type()) {
            case "A_Const" -> literal(expression);
            case "ParamRef" -> paramRef(expression);
            case "TypeCast" -> cast(expression);
            default -> null;
        };
    }

    private static Value paramRef(Node param) {
        long number = param.number("number");
        return number > 0 && number <= Integer.MAX_VALUE ? new Value.Param((int) number) : null;
    }

    private Value cast(Node cast) {
        Value inner = valueOf(cast.node("arg"));
        if (inner instanceof Value.Literal literal) {
            String typeName = typeName(cast.struct("typeName", "TypeName"));
            return new Value.Literal(literal.text(), literal.kind(), typeName != null ? typeName : literal.castType());
        }
        return inner;
    }

    /** The last part of a type's name ({@code pg_catalog.int8} → {@code int8}), with {@code []} for arrays. */
    static String typeName(Node typeName) {
        if (typeName == null) {
            return null;
        }
        List<String> names = typeName.names("names");
        if (names == null || names.isEmpty()) {
            return null;
        }
        String name = names.getLast();
        return typeName.has("arrayBounds") ? name + "[]" : name;
    }

    /**
     * An {@code A_Const}: PostgreSQL 15 writes {@code {"ival": {"ival": 5}}}, {@code {"sval": {"sval":
     * "x"}}}, {@code {"fval": {"fval": "1.5"}}}, {@code {"boolval": {"boolval": true}}} or
     * {@code {"isnull": true}}, and leaves out zero, false and empty values: {@code {"ival": {}}} is 0.
     */
    private Value literal(Node constant) {
        if (constant.flag("isnull")) {
            return new Value.Literal(null, LiteralKind.NULL, null);
        }
        Node ival = constant.struct("ival", "Integer");
        if (ival != null) {
            String text = ival.has("ival") ? Long.toString(ival.number("ival")) : zeroOrNegative(constant.number("location"));
            return text == null ? null : new Value.Literal(text, LiteralKind.INTEGER, null);
        }
        Node fval = constant.struct("fval", "Float");
        if (fval != null) {
            String text = fval.string("fval");
            if (text == null) {
                return null;
            }
            // Integers beyond int4 arrive as Float nodes; they are still integer literals.
            LiteralKind kind = INTEGER.matcher(text).matches() ? LiteralKind.INTEGER : LiteralKind.FLOAT;
            return new Value.Literal(text, kind, null);
        }
        Node sval = constant.struct("sval", "String");
        if (sval != null) {
            String text = sval.string("sval");
            return new Value.Literal(text == null ? "" : text, LiteralKind.STRING, null);
        }
        Node boolval = constant.struct("boolval", "Boolean");
        if (boolval != null) {
            return new Value.Literal(Boolean.toString(boolval.flag("boolval")), LiteralKind.BOOLEAN, null);
        }
        return null;
    }

    /**
     * The integer written at a constant's location, known to be 0 or negative: minus signs (the
     * grammar folds {@code -7} and {@code - (7)} into the constant), blanks, parentheses and
     * comments, then digits. Null when the text there is anything else.
     */
    private String zeroOrNegative(long location) {
        int i = (int) Math.max(0, Math.min(location, source.length));
        boolean negative = false;
        while (i < source.length) {
            byte b = source[i];
            if (b == '-' && i + 1 < source.length && source[i + 1] == '-') {
                i = SqlLexer.lineCommentEnd(SqlLexer.ofBytes(source), i);
            } else if (b == '/' && i + 1 < source.length && source[i + 1] == '*') {
                CharSequence text = SqlLexer.ofBytes(source);
                i = SqlLexer.orLength(text, SqlLexer.blockCommentEnd(text, i));
            } else if (b == '-') {
                negative = !negative;
                i++;
            } else if (b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '(') {
                i++;
            } else if (b >= '0' && b <= '9') {
                int start = i;
                while (i < source.length && source[i] >= '0' && source[i] <= '9') {
                    i++;
                }
                String digits = LEADING_ZEROS.matcher(new String(source, start, i - start, StandardCharsets.US_ASCII)).replaceFirst("");
                return digits.equals("0") ? "0" : negative ? "-" + digits : null;
            } else {
                return null;
            }
        }
        return null;
    }
}
