package dev.shardgate.router.route;

import dev.shardgate.sql.Statement;
import dev.shardgate.sql.StatementKind;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Where the statements of one simple-protocol query string run together.
 *
 * <p>PostgreSQL runs a query string of several statements as one implicit transaction (unless it
 * holds BEGIN/COMMIT itself), and an error in one statement skips the rest (protocol docs, "Multiple
 * Statements in a Simple Query"). Sent to several shards, or split into separate executions, the
 * string would lose that atomicity; sent whole to one shard, a statement whose rows live elsewhere
 * would answer for that shard alone. So the string runs whole on one shard when every statement's
 * own route allows that shard, and is refused (0A000) otherwise.
 */
public final class QueryStringRoute {
    /** Statement texts longer than this are cut in the error's detail. */
    private static final int SHOWN_TEXT = 60;

    private QueryStringRoute() {
    }

    /**
     * The route of the whole string.
     *
     * @param statements the string's statements, in order
     * @param routes each statement's own route, in the same order
     * @param policy where a statement without key runs under the session's default route behaviour:
     *     its default shard, or the shards holding its relation (every one of them), or an error
     */
    public static Route of(List<Statement> statements, List<Route> routes, Function<Route.NoKey, Route> policy) {
        if (routes.size() == 1) {
            return routes.getFirst();
        }
        for (int i = 0; i < statements.size(); i++) {
            StatementKind kind = statements.get(i).kind();
            if (kind == StatementKind.PREPARE || kind == StatementKind.EXECUTE || kind == StatementKind.DEALLOCATE) {
                // EXECUTE goes where its arguments' key lives, on a backend where the session's PREPARE
                // is replayed first: the router does that for a command alone in its query string
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, kind + " must come alone in its query string:"
                        + " the router routes and keeps track of SQL-level prepared statements one command at a time")
                        .withDetail("statement " + (i + 1) + " (" + shown(statements.get(i).text()) + ")")
                        .withHint("Send it as a query of its own.");
            }
        }
        SortedSet<String> shards = new TreeSet<>();
        boolean spansShards = false;
        List<Route> placed = new ArrayList<>(routes.size());
        for (Route own : routes) {
            Route route = own instanceof Route.NoKey missing ? policy.apply(missing) : own;
            placed.add(route);
            SortedSet<String> its = shardsOf(route);
            spansShards |= its.size() > 1;
            shards.addAll(its);
        }
        if (spansShards || shards.size() > 1) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "statements of one query string would run on different shards ("
                    + String.join(", ", shards) + "); send them as separate queries")
                    .withDetail(explain(statements, placed))
                    .withHint("PostgreSQL runs a query string as one transaction, which the router cannot spread over shards;"
                            + " send each statement in its own query (inside BEGIN … COMMIT if they belong together).");
        }
        Supplier<String> reason = () -> explain(statements, placed);
        if (shards.isEmpty()) {
            return new Route.AnyShard(reason.get());
        }
        return new Route.OneShard(shards.first(), reason);
    }

    /** The shards a resolved route names; none for any shard. */
    private static SortedSet<String> shardsOf(Route route) {
        return switch (route) {
            case Route.OneShard one -> new TreeSet<>(List.of(one.shard()));
            case Route.ManyShards many -> many.shards();
            case Route.EveryShard every -> every.shards();
            case Route.Scatter scatter -> scatter.shards();
            case Route.AnyShard any -> new TreeSet<>();
            case Route.Finished finished -> throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "a SELECT finished on one shard must come alone in its query string").withDetail(finished.reason());
            // a policy that leaves a statement without key unplaced: it may need any shard's rows
            case Route.NoKey missing -> throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "no sharding key found for relation " + missing.relation() + " in a query string of several statements")
                    .withDetail(missing.reason());
        };
    }

    private static String explain(List<Statement> statements, List<Route> routes) {
        List<String> parts = new ArrayList<>(routes.size());
        for (int i = 0; i < routes.size(); i++) {
            Route route = routes.get(i);
            String where = switch (route) {
                case Route.OneShard one -> one.shard();
                case Route.ManyShards many -> String.join(", ", many.shards());
                case Route.EveryShard every -> "every shard (" + String.join(", ", every.shards()) + ")";
                case Route.Scatter scatter -> "every shard (" + String.join(", ", scatter.shards()) + ")";
                case Route.AnyShard any -> "any shard";
                case Route.Finished finished -> "finished on " + finished.shards().first();
                case Route.NoKey missing -> "no shard";
            };
            String text = i < statements.size() ? shown(statements.get(i).text()) : "?";
            parts.add("statement " + (i + 1) + " (" + text + ") → " + where + ": " + route.reason());
        }
        return parts.stream().collect(Collectors.joining("; "));
    }

    private static String shown(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= SHOWN_TEXT ? oneLine : oneLine.substring(0, SHOWN_TEXT) + "…";
    }
}
