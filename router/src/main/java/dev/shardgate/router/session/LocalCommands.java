package dev.shardgate.router.session;

import dev.shardgate.router.metrics.RouteKind;
import dev.shardgate.router.backend.BackendQueries;
import dev.shardgate.router.route.Route;
import dev.shardgate.router.route.RoutingHints;
import dev.shardgate.router.route.VirtualParameters;
import dev.shardgate.sql.Analysis;
import dev.shardgate.sql.SetCommand;
import dev.shardgate.sql.Statement;
import dev.shardgate.sql.StatementKind;
import dev.shardgate.wire.CommandComplete;
import dev.shardgate.wire.DataRow;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.ReadyForQuery;
import dev.shardgate.wire.RowDescription;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Simple-protocol statements the router answers itself: SPQR's hint commands, EXPLAIN ROUTE, and the
 * start of a transaction (BEGIN, SET, SAVEPOINT …) before a statement has named its shard.
 */
final class LocalCommands {
    private static final Pattern EXPLAIN_ROUTE = Pattern.compile("(?is)^\\s*explain\\s+route\\s+(.+?)\\s*;?\\s*$");
    private static final Pattern SHOW_HINT = Pattern.compile("(?is)^\\s*show\\s+(__spqr__\\w+)\\s*;?\\s*$");
    private static final Pattern SET_HINT = Pattern.compile(
            "(?is)^\\s*set\\s+(?:session\\s+|(local)\\s+)?(__spqr__\\w+)\\s*(?:=|\\s+to\\s+)\\s*(.+?)\\s*;?\\s*$");
    private static final Pattern RESET_HINT = Pattern.compile("(?is)^\\s*reset\\s+(__spqr__\\w+|all)\\s*;?\\s*$");

    private LocalCommands() {
    }

    /** What a router-answered statement returns: rows (when columns is not null) and a command tag. */
    record LocalResult(List<String> columns, List<List<String>> rows, String tag) {
    }

    /**
     * SPQR hint commands (SET/SHOW/RESET __spqr__…) and EXPLAIN ROUTE, which never reach a shard, as
     * the whole of an extended-protocol statement.
     */
    static boolean isLocal(ClientSession session, String sql) {
        if (!sql.contains("__spqr__") && !startsWithIgnoreCase(sql, "explain")) {
            return false;
        }
        if (VirtualFunctions.isCall(sql)) {
            return true;
        }
        if (EXPLAIN_ROUTE.matcher(sql).matches()) {
            return true;
        }
        if (!(SHOW_HINT.matcher(sql).matches() || SET_HINT.matcher(sql).matches() || isHintReset(sql))) {
            return false;
        }
        // one statement only: "SET __spqr__x = 'a'; SELECT 1" is no hint command (a shard refuses it)
        Analysis analysis = session.router.analyze(sql);
        return !analysis.isParsed() || analysis.statements().size() == 1;
    }

    private static boolean isHintReset(String sql) {
        Matcher m = RESET_HINT.matcher(sql);
        return m.matches() && !m.group(1).equalsIgnoreCase("all");
    }

    /** The columns a local statement returns, or null when it returns none (for Describe). */
    static List<String> columnsOf(ClientSession session, String sql) {
        Matcher m;
        if (VirtualFunctions.isCall(sql)) {
            return VirtualFunctions.columnsOf(session.context(), sql);
        }
        if (EXPLAIN_ROUTE.matcher(sql).matches()) {
            return List.of("shard", "reason");
        }
        if ((m = SHOW_HINT.matcher(sql)).matches()) {
            return List.of(m.group(1).toLowerCase(Locale.ROOT));
        }
        return null;
    }

    /** Runs a local statement (see {@link #isLocal}). */
    static LocalResult run(ClientSession session, String sql) {
        Matcher m;
        if (VirtualFunctions.isCall(sql)) {
            return VirtualFunctions.run(session, sql);
        }
        if ((m = EXPLAIN_ROUTE.matcher(sql)).matches()) {
            return new LocalResult(List.of("shard", "reason"), explainRoute(session, m.group(1)), "EXPLAIN");
        }
        if ((m = SHOW_HINT.matcher(sql)).matches()) {
            String name = m.group(1).toLowerCase(Locale.ROOT);
            String value = name.equals(RoutingHints.TARGET_SESSION_ATTRS) ? session.hostIntent.sessionAttrs().spelling()
                    : session.router.hints.get(name).orElseGet(() -> name.equals(RoutingHints.COMMIT_STRATEGY)
                    ? session.context().config().commitStrategy().configName()
                    : name.equals(RoutingHints.DEFAULT_ROUTE_BEHAVIOUR) ? session.context().config().defaultRouteBehaviour().configName()
                    : name.equals(VirtualParameters.REPLY_NOTICE) ? (ShardNotice.isOn(session, java.util.Map.of()) ? "on" : "off")
                    : VirtualParameters.of(name).map(VirtualParameters.Parameter::defaultValue).orElse(""));
            return new LocalResult(List.of(name), List.of(List.of(value)), "SHOW");
        }
        if ((m = SET_HINT.matcher(sql)).matches()) {
            Analysis analysis = session.router.analyze(sql);
            if (analysis.isParsed() && analysis.statements().size() == 1 && analysis.statements().getFirst().set() != null) {
                return runHint(session, analysis.statements().getFirst());
            }
            setHint(session, m);
            return new LocalResult(null, List.of(), "SET");
        }
        m = RESET_HINT.matcher(sql);
        if (m.matches()) {
            session.router.hints.reset(m.group(1));
            return new LocalResult(null, List.of(), "RESET");
        }
        throw new IllegalArgumentException("not a local statement: " + sql);
    }

    /**
     * EXPLAIN ROUTE, and the SPQR hint commands a simple query string starts with, answered here;
     * the rest of the string is left for the shards. A hint's value is read from the parse tree, so
     * it ends where its statement ends.
     *
     * @return null when the whole string was answered (ReadyForQuery sent), else the text still to
     *     run: {@code sql} itself when nothing was answered
     * @throws dev.shardgate.wire.PgException 0A000 for a hint command after another statement
     */
    static String answer(ClientSession session, String sql) throws IOException {
        if (!sql.contains("__spqr__") && !startsWithIgnoreCase(sql, "explain")) {
            return sql;
        }
        Analysis analysis = EXPLAIN_ROUTE.matcher(sql).matches() || VirtualFunctions.isCall(sql) ? null : session.router.analyze(sql);
        if (analysis == null || !analysis.isParsed()) {
            // EXPLAIN ROUTE of anything; a hint value PostgreSQL's grammar would not take (sh-2) as written
            if (!(analysis == null || SHOW_HINT.matcher(sql).matches() || SET_HINT.matcher(sql).matches() || isHintReset(sql))) {
                return sql;
            }
            LocalResult result = run(session, sql);
            PgWriter out = session.clientWriterWhenQuiet();
            if (result.columns() != null) {
                out.write(new RowDescription(result.columns().stream().map(RowDescription.Field::text).toList()));
            }
            writeRows(out, result, session.settings.clientEncoding());
            session.metrics.answered(RouteKind.LOCAL, session.idleStatus());
            out.write(new ReadyForQuery(session.idleStatus()));
            out.flush();
            return null;
        }
        if (analysis.statements().isEmpty()) {
            return sql;
        }
        List<Statement> statements = analysis.statements();
        int leading = 0;
        while (leading < statements.size() && isHintCommand(statements.get(leading))) {
            leading++;
        }
        for (Statement later : statements.subList(leading, statements.size())) {
            if (isHintCommand(later)) {
                throw new dev.shardgate.wire.PgException(dev.shardgate.wire.SqlState.FEATURE_NOT_SUPPORTED,
                        "a __spqr__ SET, SHOW or RESET after another statement in the same query string is not supported")
                        .withHint("Send it first in the query string, or in a query string of its own.");
            }
        }
        if (leading == 0) {
            return sql;
        }
        PgWriter out = session.clientWriterWhenQuiet();
        for (Statement hint : statements.subList(0, leading)) {
            LocalResult result = runHint(session, hint);
            if (result.columns() != null) {
                out.write(new RowDescription(result.columns().stream().map(RowDescription.Field::text).toList()));
            }
            writeRows(out, result, session.settings.clientEncoding());
        }
        if (leading == statements.size()) {
            session.metrics.answered(RouteKind.LOCAL, session.idleStatus());
            out.write(new ReadyForQuery(session.idleStatus()));
            out.flush();
            return null;
        }
        out.flush();
        // each on its own line: a statement's text may end in a -- comment, which would swallow the ;
        return String.join("\n;\n", statements.subList(leading, statements.size()).stream().map(Statement::text).toList());
    }

    /** SET [SESSION | LOCAL], RESET or SHOW of a {@code __spqr__} name. */
    private static boolean isHintCommand(Statement statement) {
        SetCommand set = statement.set();
        return switch (statement.kind()) {
            case SET -> set != null && (set.kind() == SetCommand.Kind.SET || set.kind() == SetCommand.Kind.SET_LOCAL)
                    && RoutingHints.isHint(set.name());
            case RESET -> set != null && set.kind() == SetCommand.Kind.RESET && RoutingHints.isHint(set.name());
            case SHOW -> SHOW_HINT.matcher(statement.text()).matches();
            default -> false;
        };
    }

    /** SET [SESSION | LOCAL] __spqr__name = value | DEFAULT, matched by {@link #SET_HINT}. */
    private static void setHint(ClientSession session, Matcher m) {
        String value = m.group(3).equalsIgnoreCase("default") ? null : unquote(m.group(3));
        if (m.group(1) == null) {
            session.router.hints.set(m.group(2), value);
        } else if (session.inTransactionBlock()) {
            session.router.hints.setLocal(m.group(2), value); // until the transaction ends
        }
        // SET LOCAL outside a transaction block has no effect (PostgreSQL warns)
    }

    private static LocalResult runHint(ClientSession session, Statement statement) {
        SetCommand set = statement.set();
        return switch (statement.kind()) {
            case SET -> {
                // as written within the statement's own text: the parser folds ALLOW to allow
                Matcher m = SET_HINT.matcher(statement.text());
                if (m.matches()) {
                    setHint(session, m);
                } else if (set.kind() == SetCommand.Kind.SET_LOCAL) {
                    if (session.inTransactionBlock()) {
                        session.router.hints.setLocal(set.name(), set.value());
                    }
                } else if (set.value() == null) {
                    session.router.hints.reset(set.name()); // SET … TO DEFAULT
                } else {
                    session.router.hints.set(set.name(), set.value());
                }
                yield new LocalResult(null, List.of(), "SET");
            }
            case RESET -> {
                session.router.hints.reset(set.name());
                yield new LocalResult(null, List.of(), "RESET");
            }
            default -> run(session, statement.text());
        };
    }

    /** The rows as text in the client's encoding, as a server sends them. */
    static void writeRows(PgWriter out, LocalResult result, dev.shardgate.wire.ClientEncoding encoding) throws IOException {
        for (List<String> row : result.rows()) {
            byte[][] values = new byte[row.size()][];
            for (int i = 0; i < values.length; i++) {
                values[i] = row.get(i) == null ? null : row.get(i).getBytes(encoding.textCharset());
            }
            out.write(new DataRow(values));
        }
        out.write(new CommandComplete(result.tag()));
    }

    private static List<List<String>> explainRoute(ClientSession session, String statement) {
        Analysis analysis = session.router.analyze(statement);
        Route route = session.router.route(statement, analysis, null);
        return switch (route) {
            case Route.OneShard one -> List.of(List.of(one.shard(), one.reason()));
            case Route.ManyShards many -> many.shards().stream()
                    .map(s -> List.of(s, withPushdown(session, statement, many.shards(), many.reason()))).toList();
            case Route.EveryShard every -> every.shards().stream().map(s -> List.of(s, every.reason())).toList();
            case Route.NoKey noKey when session.router.multiShardTargets(noKey) != null ->
                    session.router.multiShardTargets(noKey).stream()
                            .map(s -> List.of(s, withPushdown(session, statement, session.router.multiShardTargets(noKey),
                                    noKey.reason() + " (default_route_behaviour ALLOW: runs on each)"))).toList();
            case Route.NoKey noKey -> {
                String shard;
                try {
                    shard = session.router.shardFor(route);
                } catch (dev.shardgate.wire.PgException e) {
                    shard = "(refused)";
                }
                yield List.of(List.of(shard, noKey.reason() + " (default_route_behaviour decides)"));
            }
            case Route.Scatter scatter -> scatter.shards().stream().map(s -> List.of(s, scatter.reason())).toList();
            case Route.AnyShard any -> List.of(List.of("any", any.reason()));
            case Route.Finished finished -> List.of(List.of(finished.shards().first(),
                    MultiShardStatements.finishOf(session, statement, finished)));
        };
    }

    /** The route's reason, and, for a SELECT each shard answers whole, why ("pushdown: …"). */
    private static String withPushdown(ClientSession session, String statement, java.util.Collection<String> shards,
                                       String reason) {
        String pushdown = MultiShardStatements.pushdownOf(session, statement, shards);
        return pushdown == null ? reason : reason + "; " + pushdown;
    }

    /**
     * Without a backend: BEGIN and what follows it until the first statement with a shard are
     * answered here and replayed later; session SETs of unreported parameters only change the
     * session's settings. True when answered.
     */
    static boolean deferOrAnswer(ClientSession session, Analysis analysis) throws IOException {
        if (!analysis.isParsed() || analysis.statements().size() != 1) {
            return false;
        }
        Statement statement = analysis.statements().getFirst();
        boolean inDeferredTransaction = !session.deferred.isEmpty();
        String tag = tagOf(statement);
        switch (statement.kind()) {
            case BEGIN -> {
                if (inDeferredTransaction) {
                    return false; // a second BEGIN: let the server warn
                }
                session.deferred.add(statement.text());
                done(session, tag);
                return true;
            }
            case COMMIT, ROLLBACK -> {
                if (!inDeferredTransaction) {
                    return false;
                }
                session.deferred.clear();
                done(session, tag);
                return true;
            }
            case SAVEPOINT, RELEASE, ROLLBACK_TO -> {
                if (!inDeferredTransaction) {
                    return false;
                }
                session.deferred.add(statement.text());
                done(session, tag);
                return true;
            }
            case SET, RESET, DISCARD -> {
                return setWithoutBackend(session, statement, inDeferredTransaction, tag);
            }
            default -> {
                return false;
            }
        }
    }

    private static boolean setWithoutBackend(ClientSession session, Statement statement, boolean inDeferredTransaction,
                                             String tag) throws IOException {
        SetCommand set = statement.set();
        if (set == null) {
            return false;
        }
        boolean resets = set.kind() == SetCommand.Kind.RESET || set.kind() == SetCommand.Kind.RESET_ALL
                || set.kind() == SetCommand.Kind.DISCARD_ALL;
        if (!resets && set.name() != null && SessionSettings.isReported(set.name())) {
            return false; // the server must answer with its ParameterStatus
        }
        // A RESET returns to the client's startup value, which only the router knows: the shared
        // backend would fall back to its own. The router answers it, with the ParameterStatus a
        // server would send.
        var reported = resets ? session.settings.reportedAfterReset(set.name()) : java.util.Optional.<java.util.Map<String, String>>of(java.util.Map.of());
        if (reported.isEmpty()) {
            return false;
        }
        if (!inDeferredTransaction && session.currentLink() != null) {
            return false; // SESSION mode keeps its backend: the SET goes there (and is tracked)
        }
        if (inDeferredTransaction) {
            if (set.kind() == SetCommand.Kind.DISCARD_ALL || set.kind() == SetCommand.Kind.DISCARD_OTHER) {
                return false;
            }
            session.deferred.add(statement.text());
            if (set.kind() == SetCommand.Kind.SET && set.name() != null && SessionSettings.isSettable(set.name())) {
                // the session's setting from now on, even when the block commits before using a shard
                if (set.value() == null) {
                    session.settings.reset(set.name());
                } else {
                    session.settings.offer(set.name(), set.value());
                }
            }
            done(session, tag);
            return true;
        }
        switch (set.kind()) {
            case SET -> {
                if (set.value() != null) {
                    judgedByAShard(session, statement.text(), set);
                }
                session.settings.offer(set.name(), set.value() == null ? "" : set.value());
            }
            case RESET -> session.settings.reset(set.name());
            case RESET_ALL -> session.settings.resetAll();
            case DISCARD_ALL -> {
                session.settings.resetAll();
                session.statements.clear();
            }
            case SET_LOCAL, SET_TRANSACTION, DISCARD_OTHER -> {
                return false;
            }
        }
        if (set.kind() == SetCommand.Kind.SET && set.value() == null) {
            session.settings.reset(set.name()); // SET x TO DEFAULT
        }
        PgWriter out = session.clientWriterWhenQuiet();
        for (var parameter : reported.get().entrySet()) {
            out.write(new dev.shardgate.wire.ParameterStatus(parameter.getKey(), parameter.getValue()));
        }
        done(session, tag);
        return true;
    }

    /**
     * Runs the client's SET on a backend of some shard before the router takes it as the session's
     * setting: only the server knows which parameters exist and which values they take, and a
     * setting it refuses would otherwise be replayed before every later transaction, and fail it.
     *
     * @throws dev.shardgate.wire.PgException the server's refusal (22023, 42704, …)
     */
    private static void judgedByAShard(ClientSession session, String text, SetCommand set) throws IOException {
        BackendLink link = MultiShardStatements.borrow(session, session.context().anyShard());
        boolean answered = false;
        try {
            BackendQueries.execute(link.backend, text, session.settings.clientEncoding());
            if (SessionSettings.isSettable(set.name())) {
                link.backend.applied().put(set.name().toLowerCase(Locale.ROOT), set.value());
            }
            answered = true;
        } catch (dev.shardgate.wire.PgException e) {
            answered = true; // refused: the backend answered and is idle again
            throw e;
        } finally {
            Relay.giveBack(session, link, answered);
        }
    }

    /** A statement that starts or prepares a transaction without naming a shard (extended protocol). */
    static boolean isTransactionStart(Analysis analysis) {
        if (!analysis.isParsed() || analysis.statements().size() != 1) {
            return false;
        }
        StatementKind kind = analysis.statements().getFirst().kind();
        return kind == StatementKind.BEGIN || kind == StatementKind.SAVEPOINT;
    }

    /**
     * At Sync, when all the segment held back is BEGIN (pgjdbc and libpq send it on its own with
     * autocommit off), perhaps with SAVEPOINTs after it: answer it here, as a server would, and defer
     * it to the shard the next statement names. True when answered.
     */
    static boolean answerHeldTransactionStart(ClientSession session) throws IOException {
        if (session.held.isEmpty() || !answerHeld(session, false)) {
            return false;
        }
        PgWriter out = session.clientWriterWhenQuiet();
        session.metrics.answered(RouteKind.LOCAL, session.idleStatus());
        out.write(new ReadyForQuery(session.idleStatus()));
        out.flush();
        return true;
    }

    /**
     * Answers the held messages as a server would when they are a BEGIN or SAVEPOINT (their Parse,
     * Bind, Describe and Execute) and, with {@code anyParse}, Parse messages of other statements, and
     * defers the statements; writes nothing and returns false when something else is held.
     *
     * @param anyParse a multi-shard statement the router runs itself follows: the shards check its
     *     Parse when it runs
     */
    static boolean answerHeld(ClientSession session, boolean anyParse) throws IOException {
        java.util.Map<String, String> portals = new java.util.HashMap<>();
        // what each statement name meant at that point of the segment: a later Parse may reuse the name
        java.util.Map<String, String> parsed = new java.util.HashMap<>();
        List<String> executed = new java.util.ArrayList<>(); // the statement of each Execute, in order
        java.util.function.Function<String, String> sqlOf = name -> parsed.containsKey(name) ? parsed.get(name)
                : session.statements.get(name) == null ? null : session.statements.get(name).sql();
        for (dev.shardgate.wire.FrontendMessage message : session.held) {
            boolean ok = switch (message) {
                case dev.shardgate.wire.Parse parse -> {
                    parsed.put(parse.statement(), parse.sql());
                    yield anyParse || isStart(session, parse.sql(), true);
                }
                case dev.shardgate.wire.Bind bind -> {
                    String sql = sqlOf.apply(bind.statement());
                    boolean begin = sql != null && isStart(session, sql, !portals.isEmpty());
                    if (begin) {
                        portals.put(bind.portal(), sql);
                    }
                    yield begin;
                }
                case dev.shardgate.wire.Execute execute -> {
                    executed.add(portals.get(execute.portal()));
                    yield portals.containsKey(execute.portal());
                }
                case dev.shardgate.wire.Describe describe -> describe.kind() == 'S'
                        ? sqlOf.apply(describe.name()) != null && isStart(session, sqlOf.apply(describe.name()), true)
                        : portals.containsKey(describe.name());
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        PgWriter out = session.clientWriterWhenQuiet();
        java.util.Iterator<String> executions = executed.iterator();
        for (dev.shardgate.wire.FrontendMessage message : session.held) {
            switch (message) {
                case dev.shardgate.wire.Parse parse -> out.write(dev.shardgate.wire.ParseComplete.INSTANCE);
                case dev.shardgate.wire.Bind bind -> out.write(dev.shardgate.wire.BindComplete.INSTANCE);
                case dev.shardgate.wire.Describe describe -> {
                    if (describe.kind() == 'S') {
                        out.write(new dev.shardgate.wire.ParameterDescription(new int[0]));
                    }
                    out.write(dev.shardgate.wire.NoData.INSTANCE);
                }
                case dev.shardgate.wire.Execute execute -> {
                    String sql = executions.next();
                    Statement statement = session.router.analyze(sql).statements().getFirst();
                    session.deferred.add(statement.text());
                    out.write(new CommandComplete(tagOf(statement)));
                }
                default -> throw new IllegalStateException("checked above");
            }
        }
        session.held.clear();
        return true;
    }

    /**
     * BEGIN, when no transaction start is deferred yet, or a SAVEPOINT after one (pgjdbc's
     * setSavepoint as the first statement of a transaction block).
     *
     * @param begun a BEGIN came earlier in the held messages
     */
    private static boolean isStart(ClientSession session, String sql, boolean begun) {
        Analysis analysis = session.router.analyze(sql);
        if (!analysis.isParsed() || analysis.statements().size() != 1) {
            return false;
        }
        StatementKind kind = analysis.statements().getFirst().kind();
        return session.deferred.isEmpty() ? kind == StatementKind.BEGIN || (begun && kind == StatementKind.SAVEPOINT)
                : kind == StatementKind.SAVEPOINT;
    }

    /** A SET sent to a backend also becomes the session's setting, to be replayed on other backends. */
    static void trackSettings(ClientSession session, Analysis analysis, dev.shardgate.router.backend.BackendConnection backend) {
        if (!analysis.isParsed()) {
            return;
        }
        for (Statement statement : analysis.statements()) {
            SetCommand set = statement.set();
            if (set == null) {
                continue;
            }
            switch (set.kind()) {
                case RESET -> session.settings.resetSentToServer(set.name());
                case RESET_ALL, DISCARD_ALL -> session.settings.resetSentToServer(null);
                default -> { }
            }
            if (set.name() == null || SessionSettings.isReported(set.name()) || !SessionSettings.isSettable(set.name())) {
                continue;
            }
            String key = set.name().toLowerCase(Locale.ROOT);
            switch (set.kind()) {
                case SET -> {
                    session.settings.offer(key, set.value() == null ? "" : set.value());
                    if (backend != null && set.value() != null) {
                        session.transactionSettings.backendSet(backend, key, backend.applied().put(key, set.value()));
                    }
                }
                case RESET -> {
                    if (backend != null) {
                        session.transactionSettings.backendSet(backend, key, backend.applied().remove(key));
                    }
                }
                default -> { }
            }
        }
    }

    /**
     * The deferred start of a transaction (BEGIN, SET …) ran on a backend: its SETs of parameters the
     * router replays are now that backend's, to be reset before another client uses it.
     */
    static void replayedOn(ClientSession session, List<String> statements, dev.shardgate.router.backend.BackendConnection backend) {
        for (String text : statements) {
            if (!TransactionRouter.firstKeyword(text).equals("set")) {
                continue;
            }
            Analysis analysis = session.router.analyze(text);
            if (!analysis.isParsed()) {
                continue;
            }
            for (Statement statement : analysis.statements()) {
                SetCommand set = statement.set();
                if (set != null && set.kind() == SetCommand.Kind.SET && set.name() != null && set.value() != null
                        && SessionSettings.isSettable(set.name()) && !SessionSettings.isReported(set.name())) {
                    String key = set.name().toLowerCase(Locale.ROOT);
                    session.transactionSettings.backendSet(backend, key, backend.applied().put(key, set.value()));
                }
            }
        }
    }

    static String tagOf(Statement statement) {
        // no upper-casing of the text: this runs for every statement routed between transactions
        return switch (statement.kind()) {
            case BEGIN -> statement.text().strip().regionMatches(true, 0, "START", 0, 5) ? "START TRANSACTION" : "BEGIN";
            case COMMIT -> "COMMIT";
            case ROLLBACK, ROLLBACK_TO -> "ROLLBACK";
            case SAVEPOINT -> "SAVEPOINT";
            case RELEASE -> "RELEASE";
            case RESET -> "RESET";
            case DISCARD -> "DISCARD ALL";
            default -> "SET";
        };
    }

    private static String unquote(String value) {
        String v = value.strip();
        if (v.length() >= 2 && (v.charAt(0) == '\'' || v.charAt(0) == '"') && v.charAt(v.length() - 1) == v.charAt(0)) {
            return v.substring(1, v.length() - 1).replace("''", "'");
        }
        return v;
    }

    private static boolean startsWithIgnoreCase(String sql, String word) {
        String s = sql.stripLeading();
        return s.regionMatches(true, 0, word, 0, word.length());
    }

    private static void done(ClientSession session, String tag) throws IOException {
        PgWriter out = session.clientWriterWhenQuiet();
        out.write(new CommandComplete(tag));
        session.metrics.answered(RouteKind.LOCAL, session.idleStatus());
        out.write(new ReadyForQuery(session.idleStatus()));
        out.flush();
    }

    /** A segment that only prepares or describes statements and runs nothing. */
    static boolean isPrepareOnly(List<dev.shardgate.wire.FrontendMessage> messages) {
        for (dev.shardgate.wire.FrontendMessage m : messages) {
            if (!(m instanceof dev.shardgate.wire.Parse || (m instanceof dev.shardgate.wire.Describe d && d.kind() == 'S'))) {
                return false;
            }
        }
        return true;
    }

    /** BEGIN or START TRANSACTION, with or without modes: nothing else was deferred. */
    static boolean isPlainTransactionStart(String text) {
        String t = text.strip();
        return t.regionMatches(true, 0, "BEGIN", 0, 5) || t.regionMatches(true, 0, "START", 0, 5);
    }
}
