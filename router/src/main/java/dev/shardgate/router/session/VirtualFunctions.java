package dev.shardgate.router.session;

import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.QualifiedName;
import dev.shardgate.router.RouterContext;
import dev.shardgate.router.route.RoutingHints;
import dev.shardgate.router.route.StatementRouter;
import dev.shardgate.sql.Hints;
import dev.shardgate.sql.Identifiers;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SPQR's virtual functions (its docs/configuration/virtual_function.mdx and router/virtual), answered
 * when a SELECT calls one alone, with string constants as arguments, as SPQR does:
 * {@code SELECT __spqr__is_ready()}, {@code __spqr__shards()}, {@code [* FROM] __spqr__show('target')},
 * {@code __spqr__console_execute('console statement')}, {@code __spqr__route_key('ds', 'key')} and
 * {@code __spqr__set_next_2pc_gid('gid')} by the router itself; {@code __spqr__ctid('relation')} and
 * {@code __spqr__remote_execute('shard', 'statement')} by the shards, on the session's own backends.
 * Another {@code __spqr__} function called so is refused naming it, rather than sent to a shard that
 * has no such function. Routing hints in comments may follow the call.
 */
final class VirtualFunctions {
    private static final String STRING = "'(?:[^']|'')*'";
    private static final Pattern CALL = Pattern.compile("(?is)^\\s*select\\s+(?:\\*\\s+from\\s+)?(__spqr__\\w+)\\s*\\(\\s*((?:"
            + STRING + ")(?:\\s*,\\s*" + STRING + ")*)?\\s*\\)\\s*(?:/\\*.*?\\*/\\s*)*;?\\s*(?:/\\*.*?\\*/\\s*)*$");
    private static final Pattern ARGUMENT = Pattern.compile("'((?:[^']|'')*)'");
    private static final Pattern SHOW_TARGET = Pattern.compile("[A-Za-z_]+");
    private static final List<String> ANSWERED = List.of("__spqr__is_ready()", "__spqr__shards()",
            "__spqr__show(target)", "__spqr__console_execute(statement)", "__spqr__route_key(distribution, key)",
            "__spqr__set_next_2pc_gid(gid)", "__spqr__ctid(relation)", "__spqr__remote_execute(shard, statement)");
    static final String CTID = "__spqr__ctid";
    static final String REMOTE_EXECUTE = "__spqr__remote_execute";

    private VirtualFunctions() {
    }

    /** One call: the function's name in lower case and its string arguments, unquoted. */
    record Call(String function, List<String> arguments) {
        static Call of(String sql) {
            if (sql == null || !sql.contains("__spqr__")) {
                return null;
            }
            Matcher m = CALL.matcher(sql);
            if (!m.matches()) {
                return null;
            }
            List<String> arguments = new ArrayList<>();
            if (m.group(2) != null) {
                Matcher a = ARGUMENT.matcher(m.group(2));
                while (a.find()) {
                    arguments.add(a.group(1).replace("''", "'"));
                }
            }
            return new Call(m.group(1).toLowerCase(Locale.ROOT), List.copyOf(arguments));
        }

        String argument(int index) {
            return index < arguments.size() ? arguments.get(index) : null;
        }

        void requireArguments(int count, String what) {
            if (arguments.size() != count) {
                throw new PgException(SqlState.UNDEFINED_FUNCTION, "function " + function + "() takes "
                        + (count == 0 ? "no arguments" : count == 1 ? "one argument" : count + " arguments")
                        + (count == 0 ? "" : " (" + what + ")") + " but " + arguments.size() + " were given");
            }
        }
    }

    /**
     * A SELECT of one {@code __spqr__} function and nothing else that the router answers itself
     * (ctid and remote_execute run on shards: see {@link #ctidPlan} and {@link #remoteStatement}).
     */
    static boolean isCall(String sql) {
        Call call = Call.of(sql);
        return call != null && !call.function().equals(CTID) && !call.function().equals(REMOTE_EXECUTE);
    }

    /** The columns a call answers (for Describe), without running it; null for none. */
    static List<String> columnsOf(RouterContext context, String sql) {
        Call call = Call.of(sql);
        if (call == null) {
            throw new IllegalArgumentException("not a virtual function call: " + sql);
        }
        String argument = call.argument(0) == null ? "" : call.argument(0);
        return switch (call.function()) {
            case "__spqr__is_ready", "__spqr__route_key" -> List.of(call.function());
            case "__spqr__shards" -> List.of("shard name");
            case "__spqr__show", "__spqr__console_execute" -> {
                String text = call.function().equals("__spqr__show") ? "SHOW " + argument : argument;
                var statements = dev.shardgate.console.parse.ConsoleParser.parse(text);
                yield statements.isEmpty() ? null : console(context).executor().describe(statements.getLast()).orElse(null);
            }
            default -> null; // set_next_2pc_gid answers no rows; another is refused when run
        };
    }

    /** The answer to a call {@link #isCall} accepted. */
    static LocalCommands.LocalResult run(ClientSession session, String sql) {
        RouterContext context = session.context();
        Call call = Call.of(sql);
        if (call == null) {
            throw new IllegalArgumentException("not a virtual function call: " + sql);
        }
        String function = call.function();
        String argument = call.argument(0);
        return switch (function) {
            case "__spqr__is_ready" -> {
                String notReady = console(context).readiness().notReadyBecause();
                yield rows(new ConsoleResult.Rows(List.of(function), List.of(List.of(notReady == null ? "t" : "f"))));
            }
            case "__spqr__shards" -> rows(new ConsoleResult.Rows(List.of("shard name"),
                    context.shardsFirstToLast().stream().map(List::of).toList()));
            case "__spqr__show" -> {
                if (argument == null || !SHOW_TARGET.matcher(argument).matches()) {
                    throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                            "__spqr__show needs a SHOW target of the console, such as 'key_ranges'");
                }
                yield console(context, "SHOW " + argument);
            }
            case "__spqr__console_execute" -> {
                if (argument == null || argument.isBlank()) {
                    throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                            "__spqr__console_execute needs a console statement, such as 'SHOW shards'");
                }
                yield console(context, argument);
            }
            case "__spqr__route_key" -> {
                call.requireArguments(2, "distribution, key");
                String relation = session.router.hints.with(Hints.fromComments(sql)).get("__spqr__distributed_relation");
                String shard = StatementRouter.shardOfKeyText(context.metadata(), call.argument(0),
                        relation == null || relation.isBlank() ? null : QualifiedName.parse(relation), call.argument(1));
                yield new LocalCommands.LocalResult(List.of(function), List.of(List.of(shard)), "SELECT 1");
            }
            case "__spqr__set_next_2pc_gid" -> {
                call.requireArguments(1, "gid");
                if (!context.transactionIds().isValidClientGid(argument)) {
                    throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "invalid two-phase transaction name \""
                            + argument + "\"")
                            .withHint("Use letters, digits and underscores; the router prepares the transaction as "
                                    + context.transactionIds().prefix() + "<name>, at most "
                                    + dev.shardgate.router.twophase.TransactionIds.MAX_GID_LENGTH + " bytes in all.");
                }
                session.nextTwoPhaseGid = argument;
                yield new LocalCommands.LocalResult(null, List.of(), "SELECT 0");
            }
            default -> throw new PgException(SqlState.UNDEFINED_FUNCTION,
                    "virtual function " + function + "() is not provided by this router")
                    .withHint("The router answers " + String.join(", ", ANSWERED) + ".");
        };
    }

    /**
     * SPQR's {@code __spqr__ctid('relation')}: every row of the relation on each shard holding it,
     * after a first column {@code __spqr__ctid} naming the shard ({@code shard sh1}), shard after
     * shard. Null when {@code sql} is no such call.
     */
    static MultiShardStatements.Plan ctidPlan(ClientSession session, String sql) {
        Call call = Call.of(sql);
        if (call == null || !call.function().equals(CTID)) {
            return null;
        }
        call.requireArguments(1, "relation");
        QualifiedName name = relationName(call.argument(0));
        Metadata metadata = session.context().metadata();
        TreeSet<String> shards = new TreeSet<>(session.context().shardsFirstToLast());
        var reference = metadata.referenceRelation(name);
        if (reference.isPresent() && !reference.get().isOnAllShards()) {
            shards = new TreeSet<>(reference.get().shardIds());
        }
        String relation = call.argument(0).contains(".")
                ? Identifiers.quoted(name.schema()) + "." + Identifiers.quoted(name.name())
                : Identifiers.quoted(name.name());
        Map<String, String> sqlByShard = new LinkedHashMap<>();
        for (String shard : shards) {
            sqlByShard.put(shard, "SELECT 'shard " + shard.replace("'", "''") + "'::text AS " + CTID + ", * FROM " + relation);
        }
        return new MultiShardStatements.Plan(sqlByShard, null, false);
    }

    /**
     * SPQR's {@code __spqr__remote_execute(…, 'statement')}: the statement text to run on the shard the
     * first argument names, marked for it with an {@code __spqr__execute_on} hint, so that it runs as
     * any statement of the client does (the client's login, its transaction); null when {@code sql} is
     * no such call. SPQR takes a connection string there and connects to any server with it: this
     * router only reaches its own shards, with the client's own rules.
     */
    static String remoteStatement(RouterContext context, String sql) {
        Call call = Call.of(sql);
        if (call == null || !call.function().equals(REMOTE_EXECUTE)) {
            return null;
        }
        call.requireArguments(2, "shard, statement");
        String shard = call.argument(0);
        if (shard.contains("=") || shard.contains("://")) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "__spqr__remote_execute runs statements on this router's shards only, not on a connection string")
                    .withHint("Name the shard: SELECT __spqr__remote_execute('sh1', 'statement').");
        }
        if (!context.shardsFirstToLast().contains(shard)) {
            throw new PgException(SqlState.UNDEFINED_OBJECT, "shard \"" + shard + "\" does not exist");
        }
        if (call.argument(1).isBlank()) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "__spqr__remote_execute needs a statement to run");
        }
        // on a line of its own: the statement may end in a -- comment
        return call.argument(1) + "\n/* __spqr__execute_on: " + shard + " */";
    }

    private static QualifiedName relationName(String text) {
        try {
            return QualifiedName.parse(text);
        } catch (dev.shardgate.meta.MetadataException e) {
            throw new PgException(SqlState.INVALID_NAME, e.getMessage());
        }
    }


    /** What the router's console answers; the last statement's answer when the text holds several. */
    private static LocalCommands.LocalResult console(RouterContext context, String text) {
        List<ConsoleResult> results = console(context).executor().execute(text);
        if (results.isEmpty()) {
            return new LocalCommands.LocalResult(null, List.of(), "SELECT 0");
        }
        return switch (results.getLast()) {
            case ConsoleResult.Rows rows -> rows(rows);
            case ConsoleResult.Done done -> new LocalCommands.LocalResult(null, List.of(), done.tag());
        };
    }

    private static LocalCommands.LocalResult rows(ConsoleResult.Rows rows) {
        return new LocalCommands.LocalResult(rows.columns(), rows.rows(), rows.tag());
    }

    private static RouterContext.SqlConsole console(RouterContext context) {
        return context.sqlConsole().orElseThrow(() -> new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                "the router's console is not started yet"));
    }
}
