package dev.shardgate.router.session;

import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.route.RoutingHints;
import dev.shardgate.sql.Analysis;
import dev.shardgate.sql.SetCommand;
import dev.shardgate.sql.Statement;
import dev.shardgate.sql.StatementKind;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Undoes the session state a rolled-back transaction set, as PostgreSQL undoes SET: "If SET (or
 * equivalently SET SESSION) is issued within a transaction that is later aborted, the effects of the
 * SET command disappear when the transaction is rolled back" (SQL Commands, SET); ROLLBACK TO undoes
 * what was set after the savepoint; SET LOCAL lasts until the transaction ends, however it ends.
 * The state is the router's: the {@code __spqr__} hints, the settings replayed on pooled backends,
 * and what the router believes each backend has applied (the server itself undid those).
 */
final class TransactionSettings {
    /** The state when the transaction began (no name) or a savepoint was made. */
    private record Mark(String savepoint, RoutingHints.Snapshot hints, Map<String, String> settings, int backendChanges) {
    }

    /** A setting the router noted as applied on a backend inside the transaction, and what was noted before. */
    private record BackendChange(BackendConnection backend, String key, String before) {
    }

    /** Empty between transactions; the first mark is the transaction's start, then one per savepoint. */
    private final List<Mark> marks = new ArrayList<>();
    private final List<BackendChange> backendChanges = new ArrayList<>();

    /**
     * Follows the client's transaction control before it runs: BEGIN marks the state, SAVEPOINT
     * marks it again, RELEASE forgets marks, ROLLBACK TO and ROLLBACK (or COMMIT of a failed
     * transaction, which PostgreSQL rolls back) return to a mark.
     *
     * @param failed whether the transaction is known to have failed
     */
    void follow(ClientSession session, Analysis analysis, BooleanSupplier failed) {
        if (analysis == null || !analysis.isParsed()) {
            return;
        }
        requireNoSetBeforeRollback(analysis);
        committed = null;
        if (!marks.isEmpty() && session.held.isEmpty() && !session.inTransactionBlock()) {
            // (a BEGIN still held back in the segment, as pgjdbc sends it, has not begun it yet)
            end(session, false); // it ended where the router did not see it end: as committed
            committed = null;
        }
        for (Statement statement : analysis.statements()) {
            switch (statement.kind()) {
                case BEGIN -> {
                    if (marks.isEmpty()) {
                        marks.add(mark(session, null));
                    }
                }
                case SAVEPOINT -> {
                    if (!marks.isEmpty() || session.inTransactionBlock()) {
                        if (marks.isEmpty()) {
                            marks.add(mark(session, null));
                        }
                        marks.add(mark(session, Savepoints.nameOf(statement.text())));
                    }
                }
                case RELEASE -> {
                    int at = find(Savepoints.nameOf(statement.text()));
                    if (at > 0 && !failed.getAsBoolean()) {
                        marks.subList(at, marks.size()).clear();
                    }
                }
                case ROLLBACK_TO -> {
                    int at = find(Savepoints.nameOf(statement.text()));
                    if (at > 0) {
                        restore(session, marks.get(at));
                        marks.subList(at + 1, marks.size()).clear();
                    }
                }
                case ROLLBACK -> end(session, true);
                case COMMIT, PREPARE_TRANSACTION -> end(session, failed.getAsBoolean());
                default -> { }
            }
        }
    }

    /**
     * A query string with a SET and, after it, a ROLLBACK or ROLLBACK TO that undoes it: the router
     * records the SETs of a string once it is sent, after the rollback it follows here, so it would
     * keep a setting PostgreSQL undid. Refused rather than answered differently.
     */
    private static void requireNoSetBeforeRollback(Analysis analysis) {
        if (analysis.statements().size() < 2) {
            return;
        }
        boolean set = false;
        for (Statement statement : analysis.statements()) {
            SetCommand command = statement.set();
            if (command != null && command.kind() != SetCommand.Kind.SET_LOCAL
                    && command.kind() != SetCommand.Kind.SET_TRANSACTION) {
                set = true;
            } else if (set && (statement.kind() == StatementKind.ROLLBACK || statement.kind() == StatementKind.ROLLBACK_TO)) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                        "SET or RESET followed by ROLLBACK in one query string is not supported")
                        .withHint("Send the ROLLBACK in a query string of its own.");
            }
        }
    }

    /**
     * The router notes a SET as applied on a backend: inside a transaction the note is undone with
     * the transaction, since the server undoes the SET itself.
     */
    void backendSet(BackendConnection backend, String key, String before) {
        if (!marks.isEmpty()) {
            backendChanges.add(new BackendChange(backend, key, before));
        }
    }

    /** Inside a transaction block the router saw begin. */
    boolean isOpen() {
        return !marks.isEmpty();
    }

    /** The client left: nothing to undo for it. */
    void clear() {
        marks.clear();
        backendChanges.clear();
    }

    /**
     * The COMMIT the router ran on several shards failed, so the transaction rolled back after all
     * (on every shard, or under best_effort on those that had not committed): its SETs are undone.
     */
    void commitFailed(ClientSession session) {
        if (committed != null) {
            session.router.hints.restore(committed.hints());
            session.settings.restore(committed.settings());
            committed = null;
        }
    }

    /** The start of the transaction the last COMMIT ended, until the next statement. */
    private Mark committed;

    private void end(ClientSession session, boolean rolledBack) {
        session.localExtended.transactionEnded(); // and the multi-shard portals it suspended
        committed = null;
        if (marks.isEmpty()) {
            session.router.hints.endTransaction();
            return;
        }
        if (rolledBack) {
            restore(session, marks.getFirst());
        } else {
            committed = marks.getFirst();
        }
        marks.clear();
        backendChanges.clear();
        session.router.hints.endTransaction();
    }

    private void restore(ClientSession session, Mark mark) {
        session.router.hints.restore(mark.hints());
        session.settings.restore(mark.settings());
        List<BackendChange> undone = backendChanges.subList(mark.backendChanges(), backendChanges.size());
        for (int i = undone.size() - 1; i >= 0; i--) {
            BackendChange change = undone.get(i);
            if (change.before() == null) {
                change.backend().applied().remove(change.key());
            } else {
                change.backend().applied().put(change.key(), change.before());
            }
        }
        undone.clear();
    }

    private Mark mark(ClientSession session, String savepoint) {
        return new Mark(savepoint, session.router.hints.snapshot(), session.settings.snapshot(), backendChanges.size());
    }

    /** The newest savepoint of that name (PostgreSQL's rule), or -1. */
    private int find(String savepoint) {
        for (int i = marks.size() - 1; i > 0; i--) {
            if (savepoint.equals(marks.get(i).savepoint())) {
                return i;
            }
        }
        return -1;
    }
}
