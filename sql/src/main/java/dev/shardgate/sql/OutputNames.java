package dev.shardgate.sql;

import java.util.List;
import java.util.Locale;

/**
 * The name PostgreSQL gives a select-list column written without AS (parse_target.c,
 * FigureColname): a column's own name, a function's name, a cast's type, {@code ?column?}. ORDER BY
 * matches a bare name against these before the tables' columns, so the merger must know them.
 */
final class OutputNames {
    /** No name from the expression: PostgreSQL calls the column this. */
    static final String NONE = "?column?";

    private OutputNames() {
    }

    /** The output name of a select-list entry; null when the router cannot tell it. */
    static String of(String alias, Node value) {
        if (alias != null) {
            return alias;
        }
        Named named = figure(value);
        return named == null ? null : named.strength() == 0 ? NONE : named.name();
    }

    /** FigureColnameInternal's answer: 2 for a name from the expression, 1 for a fallback, 0 for none. */
    private record Named(String name, int strength) {
        static final Named ABSENT = new Named(null, 0);
    }

    private static Named figure(Node node) {
        if (node == null) {
            return Named.ABSENT;
        }
        return switch (node.type()) {
            case "ColumnRef" -> {
                List<Node> fields = node.positional("fields");
                for (Node field : fields.reversed()) {
                    if (field != null && field.stringValue() != null) {
                        yield new Named(field.stringValue(), 2);
                    }
                }
                yield Named.ABSENT;
            }
            case "A_Indirection" -> {
                for (Node part : node.positional("indirection").reversed()) {
                    if (part != null && part.stringValue() != null) {
                        yield new Named(part.stringValue(), 2);
                    }
                }
                yield figure(node.node("arg"));
            }
            case "FuncCall" -> {
                List<String> names = node.names("funcname");
                yield names == null || names.isEmpty() ? null : new Named(names.getLast(), 2);
            }
            case "A_Expr" -> "AEXPR_NULLIF".equals(node.string("kind")) ? new Named("nullif", 2) : Named.ABSENT;
            case "TypeCast" -> {
                Named inner = figure(node.node("arg"));
                if (inner == null || inner.strength() > 1) {
                    yield inner;
                }
                Node type = node.struct("typeName", "TypeName");
                List<String> names = type == null ? null : type.names("names");
                yield names == null || names.isEmpty() ? inner : new Named(names.getLast(), 1);
            }
            case "CollateClause" -> figure(node.node("arg"));
            case "GroupingFunc" -> new Named("grouping", 2);
            case "SubLink" -> switch (String.valueOf(node.string("subLinkType"))) {
                case "EXISTS_SUBLINK" -> new Named("exists", 2);
                case "ARRAY_SUBLINK" -> new Named("array", 2);
                case "EXPR_SUBLINK" -> subqueryColumn(node.node("subselect"));
                case "MULTIEXPR_SUBLINK", "CTE_SUBLINK" -> null;
                default -> Named.ABSENT;
            };
            case "CaseExpr" -> {
                Named result = node.has("defresult") ? figure(node.node("defresult")) : Named.ABSENT;
                yield result == null || result.strength() > 1 ? result : new Named("case", 1);
            }
            case "A_ArrayExpr" -> new Named("array", 2);
            case "RowExpr" -> new Named("row", 2);
            case "CoalesceExpr" -> new Named("coalesce", 2);
            case "MinMaxExpr" -> new Named("IS_GREATEST".equals(node.string("op")) ? "greatest" : "least", 2);
            case "SQLValueFunction" -> {
                String op = node.string("op");
                if (op == null || !op.startsWith("SVFOP_")) {
                    yield null;
                }
                String name = op.substring("SVFOP_".length());
                yield new Named((name.endsWith("_N") ? name.substring(0, name.length() - 2) : name).toLowerCase(Locale.ROOT), 2);
            }
            case "XmlSerialize" -> new Named("xmlserialize", 2);
            case "A_Const", "ParamRef", "BoolExpr", "NullTest", "BooleanTest", "SetToDefault" -> Named.ABSENT;
            default -> null; // e.g. XML constructors: named after their kind, not worth following
        };
    }

    /** {@code (SELECT x FROM …)}: named after the subquery's one column. */
    private static Named subqueryColumn(Node subselect) {
        if (subselect == null || !subselect.is("SelectStmt") || subselect.has("larg")) {
            return null;
        }
        List<Node> targets = subselect.nodes("targetList");
        if (targets.isEmpty()) {
            return null;
        }
        String name = of(targets.getFirst().string("name"), targets.getFirst().node("val"));
        return name == null ? null : new Named(name, 2);
    }
}
