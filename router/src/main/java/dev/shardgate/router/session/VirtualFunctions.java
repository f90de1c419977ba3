package dev.shardgate.router.session;

import dev.shardgate.console.exec.ConsoleResult;
import dev.shardgate.router.RouterContext;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * SPQR's virtual functions (its docs/configuration/virtual_function.mdx), answered by the router
 * when a SELECT calls one alone, as SPQR does: {@code SELECT __spqr__is_ready()},
 * {@code SELECT __spqr__shards()}, {@code SELECT [* FROM] __spqr__show('target')} and
 * {@code SELECT __spqr__console_execute('console statement')}. Another {@code __spqr__} function
 * called so is refused naming it, rather than sent to a shard that has no such function.
 */
final class VirtualFunctions {
    private static final Pattern CALL = Pattern.compile(
            "(?is)^\\s*select\\s+(?:\\*\\s+from\\s+)?(__spqr__\\w+)\\s*\\(\\s*(?:'((?:[^']|'')*)')?\\s*\\)\\s*;?\\s*$");
    private static final Pattern SHOW_TARGET = Pattern.compile("[A-Za-z_]+");
    private static final List<String> ANSWERED = List.of("__spqr__is_ready()", "__spqr__shards()",
            "__spqr__show(target)", "__spqr__console_execute(statement)");

    private VirtualFunctions() {
    }

    /** A SELECT of one {@code __spqr__} function and nothing else. */
    static boolean isCall(String sql) {
        return sql.contains("__spqr__") && CALL.matcher(sql).matches();
    }

    /** The columns a call answers (for Describe), without running it; null for none. */
    static List<String> columnsOf(RouterContext context, String sql) {
        Matcher m = CALL.matcher(sql);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a virtual function call: " + sql);
        }
        String function = m.group(1).toLowerCase(java.util.Locale.ROOT);
        String argument = m.group(2) == null ? "" : m.group(2).replace("''", "'");
        return switch (function) {
            case "__spqr__is_ready" -> List.of(function);
            case "__spqr__shards" -> List.of("shard name");
            case "__spqr__show", "__spqr__console_execute" -> {
                String text = function.equals("__spqr__show") ? "SHOW " + argument : argument;
                var statements = dev.shardgate.console.parse.ConsoleParser.parse(text);
                yield statements.isEmpty() ? null : console(context).executor().describe(statements.getLast()).orElse(null);
            }
            default -> null; // refused when run
        };
    }

    /** The answer to a call {@link #isCall} accepted. */
    static LocalCommands.LocalResult run(RouterContext context, String sql) {
        Matcher m = CALL.matcher(sql);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a virtual function call: " + sql);
        }
        String function = m.group(1).toLowerCase(java.util.Locale.ROOT);
        String argument = m.group(2) == null ? null : m.group(2).replace("''", "'");
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
            default -> throw new PgException(SqlState.UNDEFINED_FUNCTION,
                    "virtual function " + function + "() is not provided by this router")
                    .withHint("The router answers " + String.join(", ", ANSWERED) + ".");
        };
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
