package dev.shardgate.sql;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns libpg_query's parse tree ({@code {"version": …, "stmts": [{"stmt": {…}, "stmt_location": n,
 * "stmt_len": n}]}}) into {@link Statement}s.
 */
final class ParseTreeReader {
    /** Object types of DROP and COMMENT that are tables or table-like relations. */
    private static final Set<String> NAMED_RELATIONS = Set.of(
            "OBJECT_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_FOREIGN_TABLE");

    /** Statement nodes that define or change schema objects, beyond the Create…/Alter…/Drop… ones. */
    private static final Set<String> OTHER_DDL = Set.of(
            "ViewStmt", "IndexStmt", "TruncateStmt", "RenameStmt", "CommentStmt", "GrantStmt", "GrantRoleStmt",
            "RuleStmt", "DefineStmt", "CompositeTypeStmt", "RefreshMatViewStmt", "SecLabelStmt",
            "ReassignOwnedStmt", "ImportForeignSchemaStmt");

    /** Statements that define objects relations may depend on (see {@link Statement#definesSharedObject()}). */
    private static final Set<String> SHARED_OBJECT_STATEMENTS = Set.of(
            "CreateSchemaStmt", "CreateDomainStmt", "AlterDomainStmt", "CreateEnumStmt", "AlterEnumStmt",
            "CompositeTypeStmt", "CreateRangeStmt", "AlterTypeStmt", "CreateExtensionStmt", "AlterExtensionStmt",
            "AlterExtensionContentsStmt", "CreateFunctionStmt", "AlterFunctionStmt", "CreateSeqStmt", "AlterSeqStmt",
            "CreateCastStmt", "CreateOpClassStmt", "CreateOpFamilyStmt", "AlterOpFamilyStmt", "AlterOperatorStmt",
            "AlterTSConfigurationStmt", "AlterTSDictionaryStmt", "CreateConversionStmt", "AlterCollationStmt",
            "CreateTransformStmt");

    /** The object types of DROP, ALTER … RENAME/SET SCHEMA/OWNER, COMMENT and DefineStmt that are such objects. */
    private static final Set<String> SHARED_OBJECT_TYPES = Set.of(
            "OBJECT_SCHEMA", "OBJECT_TYPE", "OBJECT_DOMAIN", "OBJECT_DOMCONSTRAINT", "OBJECT_FUNCTION",
            "OBJECT_PROCEDURE", "OBJECT_ROUTINE", "OBJECT_AGGREGATE", "OBJECT_SEQUENCE", "OBJECT_EXTENSION",
            "OBJECT_COLLATION", "OBJECT_CAST", "OBJECT_OPERATOR", "OBJECT_OPCLASS", "OBJECT_OPFAMILY",
            "OBJECT_CONVERSION", "OBJECT_TSCONFIGURATION", "OBJECT_TSDICTIONARY", "OBJECT_TSPARSER",
            "OBJECT_TSTEMPLATE", "OBJECT_TRANSFORM", "OBJECT_ATTRIBUTE");

    private final Constants constants;

    private ParseTreeReader(Constants constants) {
        this.constants = constants;
    }

    /**
     * @param tree the parsed JSON
     * @param utf8 the statement string as parsed; locations in the tree are byte offsets into it
     */
    static List<Statement> statements(Object tree, byte[] utf8) {
        if (!(tree instanceof Map<?, ?> root) || !(root.get("stmts") instanceof List<?> raws)) {
            return List.of();
        }
        ParseTreeReader reader = new ParseTreeReader(new Constants(utf8));
        List<Statement> statements = new ArrayList<>(raws.size());
        for (Object raw : raws) {
            if (!(raw instanceof Map<?, ?> entry)) {
                continue;
            }
            Node statement = Node.of(entry.get("stmt"));
            String text = slice(utf8, entry.get("stmt_location"), entry.get("stmt_len"));
            if (statement == null) {
                statements.add(other(text));
            } else {
                Statement read = reader.statement(statement, text);
                List<FunctionRef> called = FunctionCalls.in(statement);
                statements.add(called.isEmpty() ? read : read.withFunctions(called));
            }
        }
        return statements;
    }

    /** Statement text by byte offset and length; a missing length runs to the end (libpg_query omits it for the last statement). */
    private static String slice(byte[] utf8, Object location, Object length) {
        int start = location instanceof Number n ? Math.clamp(n.longValue(), 0, utf8.length) : 0;
        int end = length instanceof Number n && n.longValue() > 0
                ? Math.clamp(start + n.longValue(), start, utf8.length) : utf8.length;
        return new String(utf8, start, end - start, StandardCharsets.UTF_8).strip();
    }

    Statement statement(Node statement, String text) {
        return switch (statement.type()) {
            case "SelectStmt" -> statement.has("intoClause") ? selectInto(statement, text) : query(StatementKind.SELECT, statement, text);
            case "InsertStmt" -> query(StatementKind.INSERT, statement, text);
            case "UpdateStmt" -> query(StatementKind.UPDATE, statement, text);
            case "DeleteStmt" -> query(StatementKind.DELETE, statement, text);
            case "TransactionStmt" -> simple(transactionKind(statement.string("kind")), text);
            case "VariableSetStmt" -> setting(statement, text);
            case "VariableShowStmt" -> simple(StatementKind.SHOW, text);
            case "DiscardStmt" -> new Statement(StatementKind.DISCARD, List.of(), List.of(), List.of(),
                    SetCommands.discard(statement), text);
            case "CopyStmt" -> copy(statement, text);
            case "ExplainStmt" -> wrapping(StatementKind.EXPLAIN, statement.node("query"), text, analyzes(statement));
            // the writes of a prepared statement happen at EXECUTE, which names no relation
            case "PrepareStmt" -> wrapping(StatementKind.PREPARE, statement.node("query"), text, true);
            case "DeclareCursorStmt" -> wrapping(StatementKind.OTHER, statement.node("query"), text, true);
            case "MergeStmt" -> merge(statement, text);
            case "CreateTableAsStmt" -> createTableAs(statement, text);
            case "ExecuteStmt" -> simple(StatementKind.EXECUTE, text);
            case "DeallocateStmt" -> simple(StatementKind.DEALLOCATE, text);
            case "ListenStmt", "UnlistenStmt" -> simple(StatementKind.LISTEN, text);
            case "NotifyStmt" -> simple(StatementKind.NOTIFY, text);
            case "DoStmt" -> simple(StatementKind.DO, text);
            case "CallStmt" -> relationsOnly(StatementKind.CALL, statement, text);
            case "DropStmt" -> marked(statement, namedRelations(statement.string("removeType"), statement.nodes("objects"), text));
            case "CommentStmt" -> marked(statement, namedRelations(statement.string("objtype"), nullToEmpty(statement.node("object")), text));
            default -> isDdl(statement.type()) ? ddl(statement, text) : relationsOnly(StatementKind.OTHER, statement, text);
        };
    }

    private static boolean isQuery(String type) {
        return switch (type) {
            case "SelectStmt", "InsertStmt", "UpdateStmt", "DeleteStmt" -> true;
            default -> false;
        };
    }

    private static boolean isDdl(String type) {
        return type.startsWith("Create") || type.startsWith("Alter") || type.startsWith("Drop") || OTHER_DDL.contains(type);
    }

    private Statement query(StatementKind kind, Node statement, String text) {
        QueryAnalysis analysis = new QueryAnalysis(constants);
        analysis.statement(statement, QueryAnalysis.Context.TOP);
        return new Statement(kind, analysis.tables(), analysis.filters(), analysis.rows(), null, text,
                analysis.writes(), false);
    }

    /**
     * EXPLAIN, PREPARE, DECLARE CURSOR, COPY (query): the tables, filters and rows of the statement
     * inside, and its writes when {@code runs} (EXPLAIN ANALYZE runs it; plain EXPLAIN does not).
     */
    private Statement wrapping(StatementKind kind, Node inner, String text, boolean runs) {
        if (inner == null) {
            return simple(kind, text);
        }
        Statement analysed = statement(inner, text);
        return new Statement(kind, analysed.tables(), analysed.filters(), analysed.insertRows(), null, text,
                runs ? analysed.writes() : List.of(), false);
    }

    /** EXPLAIN's ANALYZE option, unless given as false. */
    private static boolean analyzes(Node explain) {
        for (Node option : explain.nodes("options")) {
            if ("analyze".equals(option.string("defname"))) {
                Node arg = option.node("arg");
                String value = arg == null ? null : arg.is("String") ? arg.string("sval")
                        : arg.is("Boolean") ? Boolean.toString(arg.flag("boolval")) : arg.is("Integer") ? Long.toString(arg.number("ival")) : null;
                return value == null || !(value.equalsIgnoreCase("false") || value.equalsIgnoreCase("off") || value.equals("0"));
            }
        }
        return false;
    }

    /** MERGE: its tables as DDL's (no key filters: it is not routed by key) and what it writes. */
    private Statement merge(Node merge, String text) {
        QueryAnalysis analysis = new QueryAnalysis(constants);
        collectRelations(merge.fields(), analysis);
        analysis.merge(merge);
        return new Statement(StatementKind.OTHER, analysis.tables(), List.of(), List.of(), null, text,
                analysis.writes(), false);
    }

    private Statement copy(Node copy, String text) {
        Node relation = copy.struct("relation", "RangeVar");
        if (relation != null) {
            TableRef table = QueryAnalysis.tableRef(relation);
            // COPY FROM STDIN is cut into rows by the router; a server-side file or program is not
            List<Write> writes = copy.flag("is_from") && (copy.has("filename") || copy.flag("is_program"))
                    ? List.of(new Write(table, Write.Kind.INSERT, List.of(), "COPY … FROM a file or program")) : List.of();
            return new Statement(StatementKind.COPY, List.of(table), List.of(), List.of(), null, text, writes, false);
        }
        return wrapping(StatementKind.COPY, copy.node("query"), text, true);
    }

    private Statement setting(Node statement, String text) {
        SetCommand command = SetCommands.set(statement, constants);
        StatementKind kind = switch (command.kind()) {
            case RESET, RESET_ALL -> StatementKind.RESET;
            case SET, SET_LOCAL, SET_TRANSACTION -> StatementKind.SET;
            case DISCARD_ALL, DISCARD_OTHER -> StatementKind.DISCARD;
        };
        return new Statement(kind, List.of(), List.of(), List.of(), command, text);
    }

    /** DDL lists the relations it names (including those of an embedded query) and never filters: it is not routed by key. */
    private Statement ddl(Node statement, String text) {
        return marked(statement, relationsOnly(StatementKind.DDL, statement, text));
    }

    /** The DDL statement, marked when it defines a shared object. */
    private static Statement marked(Node statement, Statement ddl) {
        if (!definesSharedObject(statement)) {
            return ddl;
        }
        return new Statement(StatementKind.DDL, ddl.tables(), List.of(), List.of(), null, ddl.text(), List.of(), true);
    }

    private static boolean definesSharedObject(Node statement) {
        if (SHARED_OBJECT_STATEMENTS.contains(statement.type())) {
            return true;
        }
        String objectType = switch (statement.type()) {
            case "DropStmt" -> statement.string("removeType");
            case "RenameStmt" -> statement.string("renameType");
            case "AlterObjectSchemaStmt", "AlterOwnerStmt" -> statement.string("objectType");
            case "CommentStmt", "AlterTableStmt" -> statement.string("objtype");
            case "DefineStmt" -> statement.string("kind");
            default -> null;
        };
        return objectType != null && SHARED_OBJECT_TYPES.contains(objectType);
    }

    private Statement relationsOnly(StatementKind kind, Node statement, String text) {
        QueryAnalysis analysis = new QueryAnalysis(constants);
        collectRelations(statement.fields(), analysis);
        return new Statement(kind, analysis.tables(), List.of(), List.of(), null, text);
    }

    /** SELECT … INTO creates a table, like CREATE TABLE AS, and fills it. */
    private Statement selectInto(Node select, String text) {
        QueryAnalysis analysis = new QueryAnalysis(constants);
        Node into = select.struct("intoClause", "IntoClause");
        Node relation = into == null ? null : into.struct("rel", "RangeVar");
        if (relation != null) {
            addRelation(relation, analysis);
        }
        analysis.statement(select, QueryAnalysis.Context.TOP);
        return new Statement(StatementKind.DDL, analysis.tables(), List.of(), List.of(), null, text,
                filled(into, "SELECT … INTO"), false);
    }

    /** CREATE TABLE … AS: DDL whose new table gets the query's rows (unless WITH NO DATA). */
    private Statement createTableAs(Node statement, String text) {
        Statement ddl = ddl(statement, text);
        List<Write> writes = "OBJECT_TABLE".equals(statement.string("objtype"))
                ? filled(statement.struct("into", "IntoClause"), "CREATE TABLE … AS") : List.of();
        return new Statement(ddl.kind(), ddl.tables(), List.of(), List.of(), null, text, writes, ddl.definesSharedObject());
    }

    /** The rows an INTO clause's new table gets, which the router cannot see. */
    private static List<Write> filled(Node into, String form) {
        Node relation = into == null ? null : into.struct("rel", "RangeVar");
        if (relation == null || into.flag("skipData")) {
            return List.of();
        }
        TableRef ref = QueryAnalysis.tableRef(relation);
        return List.of(new Write(new TableRef(ref.schema(), ref.name(), null), Write.Kind.INSERT, List.of(), form));
    }

    /** DROP TABLE and COMMENT ON TABLE name their tables as lists of name parts, not RangeVars. */
    private static Statement namedRelations(String objectType, List<Node> objects, String text) {
        List<TableRef> tables = new ArrayList<>();
        if (NAMED_RELATIONS.contains(objectType)) {
            for (Node object : objects) {
                List<String> names = object.is("List") ? object.names("items") : null;
                if (names != null && !names.isEmpty()) {
                    String schema = names.size() >= 2 ? names.get(names.size() - 2) : null;
                    tables.add(new TableRef(schema, names.getLast(), null));
                }
            }
        }
        return new Statement(StatementKind.DDL, tables, List.of(), List.of(), null, text);
    }

    private static List<Node> nullToEmpty(Node node) {
        return node == null ? List.of() : List.of(node);
    }

    /**
     * Every RangeVar in the subtree: wrapped ({@code {"RangeVar": …}}) or embedded (a map with
     * {@code relname}); queries inside (CREATE VIEW … AS, CREATE TABLE … AS) are walked as queries,
     * so that their CTE names are not taken for tables.
     */
    private void collectRelations(Object json, QueryAnalysis analysis) {
        if (json instanceof List<?> list) {
            for (Object element : list) {
                collectRelations(element, analysis);
            }
        } else if (json instanceof Map<?, ?> map) {
            Node node = Node.of(json);
            if (node != null && node.is("RangeVar")) {
                addRelation(node, analysis);
                return;
            }
            if (node != null && isQuery(node.type())) {
                analysis.statement(node, QueryAnalysis.Context.TOP);
                return;
            }
            if (node == null && map.get("relname") instanceof String) {
                @SuppressWarnings("unchecked")
                Map<String, Object> fields = (Map<String, Object>) map;
                addRelation(new Node("RangeVar", fields), analysis);
                return;
            }
            for (Object value : map.values()) {
                collectRelations(value, analysis);
            }
        }
    }

    private static void addRelation(Node rangeVar, QueryAnalysis analysis) {
        TableRef ref = QueryAnalysis.tableRef(rangeVar);
        analysis.table(new TableRef(ref.schema(), ref.name(), null));
    }

    private static Statement simple(StatementKind kind, String text) {
        return new Statement(kind, List.of(), List.of(), List.of(), null, text);
    }

    private static Statement other(String text) {
        return simple(StatementKind.OTHER, text);
    }

    private static StatementKind transactionKind(String kind) {
        return switch (kind == null ? "" : kind) {
            case "TRANS_STMT_BEGIN", "TRANS_STMT_START" -> StatementKind.BEGIN;
            case "TRANS_STMT_COMMIT" -> StatementKind.COMMIT;
            case "TRANS_STMT_ROLLBACK" -> StatementKind.ROLLBACK;
            case "TRANS_STMT_SAVEPOINT" -> StatementKind.SAVEPOINT;
            case "TRANS_STMT_RELEASE" -> StatementKind.RELEASE;
            case "TRANS_STMT_ROLLBACK_TO" -> StatementKind.ROLLBACK_TO;
            case "TRANS_STMT_PREPARE" -> StatementKind.PREPARE_TRANSACTION;
            case "TRANS_STMT_COMMIT_PREPARED" -> StatementKind.COMMIT_PREPARED;
            case "TRANS_STMT_ROLLBACK_PREPARED" -> StatementKind.ROLLBACK_PREPARED;
            default -> StatementKind.OTHER;
        };
    }
}
