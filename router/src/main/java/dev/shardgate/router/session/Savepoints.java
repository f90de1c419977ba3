package dev.shardgate.router.session;

import dev.shardgate.sql.Analysis;
import dev.shardgate.sql.Identifiers;
import dev.shardgate.sql.SqlLexer;
import dev.shardgate.sql.Statement;
import dev.shardgate.sql.StatementKind;
import dev.shardgate.wire.Bind;
import dev.shardgate.wire.BindComplete;
import dev.shardgate.wire.CommandComplete;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.Parse;
import dev.shardgate.wire.ParseComplete;
import dev.shardgate.wire.ReadyForQuery;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The savepoints of the client's open transaction block, oldest first, as the router saw them go to
 * its shards. A shard joining the transaction makes the same savepoints first, so that every shard
 * holds the same ones and RELEASE and ROLLBACK TO mean the same everywhere. A shard that joins after
 * savepoint s made its own s at its join, before any of its work: ROLLBACK TO s undoes all it did,
 * just as on one server, where that work came after s.
 */
final class Savepoints {
    /** Names as PostgreSQL knows them (unquoted names folded to lower case); a name may repeat. */
    private final List<String> names = new ArrayList<>();

    /**
     * Follows the effect of the client's statements on the savepoints (PostgreSQL's rules: RELEASE
     * and ROLLBACK TO name the newest savepoint of that name; RELEASE drops it and those after it,
     * ROLLBACK TO keeps it). A name not found changes nothing: the server refuses the statement.
     *
     * @param failed whether the transaction is known to have failed: SAVEPOINT and RELEASE are refused then
     */
    void follow(Analysis analysis, java.util.function.BooleanSupplier failed) {
        if (analysis == null || !analysis.isParsed()) {
            return;
        }
        for (Statement statement : analysis.statements()) {
            switch (statement.kind()) {
                case BEGIN, COMMIT, ROLLBACK, PREPARE_TRANSACTION -> names.clear();
                case SAVEPOINT -> {
                    if (!failed.getAsBoolean()) {
                        names.add(nameOf(statement.text()));
                    }
                }
                case RELEASE -> {
                    int at = names.lastIndexOf(nameOf(statement.text()));
                    if (at >= 0 && !failed.getAsBoolean()) {
                        names.subList(at, names.size()).clear();
                    }
                }
                case ROLLBACK_TO -> {
                    int at = names.lastIndexOf(nameOf(statement.text()));
                    if (at >= 0) {
                        names.subList(at + 1, names.size()).clear();
                    }
                }
                default -> { }
            }
        }
    }

    /**
     * Runs SAVEPOINT, RELEASE or ROLLBACK TO on every backend of the transaction (each holds the same
     * savepoints, so all answer alike), follows it, and answers the client: in the simple protocol
     * through ReadyForQuery; in the extended protocol its held Parse and its Bind now, its Describe
     * and Execute when they come (see LocalExtended). When a shard refuses it, the client gets that
     * shard's error and the transaction fails on every shard.
     *
     * @param bind the statement's Bind in the extended protocol; null for a simple Query
     */
    void answer(ClientSession session, List<BackendLink> links, Statement command, Analysis analysis, Bind bind)
            throws IOException {
        ErrorResponse refused = null;
        for (BackendLink l : links) {
            ErrorResponse error = TransactionQueries.run(session, l, command.text());
            refused = refused == null ? error : refused;
        }
        if (refused != null) {
            session.joined.failEverywhere(session);
            session.held.clear();
            session.shardError(refused, bind != null);
            return;
        }
        follow(analysis, () -> false);
        String tag = LocalCommands.tagOf(command);
        if (bind == null) {
            session.metrics.answered(dev.shardgate.router.metrics.RouteKind.LOCAL, session.idleStatus());
            session.out.write(new CommandComplete(tag));
            session.out.write(new ReadyForQuery(session.idleStatus()));
            session.out.flush();
            return;
        }
        for (int i = 0; i < session.held.size(); i++) {
            session.out.write(ParseComplete.INSTANCE);
        }
        session.held.clear();
        session.out.write(BindComplete.INSTANCE);
        session.localExtended.answered(bind.portal(), tag);
    }

    /**
     * A SAVEPOINT, RELEASE or ROLLBACK TO first in its extended-protocol segment, in a transaction
     * open on the session's backend alone: the router runs it (see {@link #answer}), because the
     * next statement of the segment may name another shard, which must then find the savepoint to
     * replay. Null for any other statement: it goes to the backend as usual.
     */
    static Statement firstInSegment(ClientSession session, Analysis analysis) {
        if (analysis == null || !analysis.isParsed() || analysis.statements().size() != 1) {
            return null;
        }
        Statement statement = analysis.statements().getFirst();
        StatementKind kind = statement.kind();
        if (kind != StatementKind.SAVEPOINT && kind != StatementKind.RELEASE && kind != StatementKind.ROLLBACK_TO) {
            return null;
        }
        BackendLink current = session.currentLink();
        byte status = current == null ? 0 : TransactionQueries.quietStatus(session, current);
        boolean onlyParses = session.held.stream().allMatch(m -> m instanceof Parse);
        return (status == 'T' || status == 'E') && onlyParses ? statement : null;
    }

    void clear() {
        names.clear();
    }

    /** The statements that make these savepoints on a shard joining the transaction, in order. */
    List<String> replay() {
        List<String> statements = new ArrayList<>(names.size());
        for (String name : names) {
            statements.add("SAVEPOINT " + Identifiers.quoted(name));
        }
        return statements;
    }

    /**
     * The savepoint a SAVEPOINT, RELEASE or ROLLBACK TO statement names: in every form of them
     * ({@code RELEASE [SAVEPOINT] name}, {@code ROLLBACK [WORK] TO [SAVEPOINT] name}) it is the last word.
     */
    static String nameOf(String statementText) {
        List<String> words = words(statementText);
        return words.isEmpty() ? "" : words.getLast();
    }

    /**
     * The identifiers of the text as PostgreSQL reads them: unquoted ones folded to lower case
     * (ASCII letters only, as the server does), quoted ones as written; comments skipped.
     */
    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
                i = SqlLexer.lineCommentEnd(text, i);
            } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                i = SqlLexer.orLength(text, SqlLexer.blockCommentEnd(text, i));
            } else if (c == '"') {
                StringBuilder word = new StringBuilder();
                i++;
                while (i < n) {
                    char q = text.charAt(i++);
                    if (q == '"') {
                        if (i < n && text.charAt(i) == '"') {
                            word.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        word.append(q);
                    }
                }
                words.add(word.toString());
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$') {
                StringBuilder word = new StringBuilder();
                while (i < n && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_' || text.charAt(i) == '$')) {
                    char w = text.charAt(i++);
                    word.append(w >= 'A' && w <= 'Z' ? (char) (w + ('a' - 'A')) : w);
                }
                words.add(word.toString());
            } else {
                i++;
            }
        }
        return words;
    }
}
