package dev.shardgate.sql;

import java.util.List;

/** Reads constants and bind parameters out of expressions, looking through casts. */
final class Constants {
    private Constants() {
    }

    /** The value an expression is, when it is a constant or {@code $n}, either possibly cast; else null. */
    static Value valueOf(Node expression) {
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

    private static Value cast(Node cast) {
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
    private static Value literal(Node constant) {
        if (constant.flag("isnull")) {
            return new Value.Literal(null, LiteralKind.NULL, null);
        }
        Node ival = constant.struct("ival", "Integer");
        if (ival != null) {
            return new Value.Literal(Long.toString(ival.number("ival")), LiteralKind.INTEGER, null);
        }
        Node fval = constant.struct("fval", "Float");
        if (fval != null) {
            String text = fval.string("fval");
            if (text == null) {
                return null;
            }
            // Integers beyond int4 arrive as Float nodes; they are still integer literals.
            LiteralKind kind = text.matches("-?[0-9]+") ? LiteralKind.INTEGER : LiteralKind.FLOAT;
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
}
