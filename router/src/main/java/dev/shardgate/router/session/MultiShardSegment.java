package dev.shardgate.router.session;

import dev.shardgate.router.metrics.RouteKind;
import dev.shardgate.router.route.BoundValues;
import dev.shardgate.router.route.Route;
import dev.shardgate.router.scatter.MultiShardRun;
import dev.shardgate.sql.Analysis;
import dev.shardgate.wire.Bind;
import dev.shardgate.wire.BindComplete;
import dev.shardgate.wire.Close;
import dev.shardgate.wire.CloseComplete;
import dev.shardgate.wire.Describe;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.Execute;
import dev.shardgate.wire.Flush;
import dev.shardgate.wire.FrontendMessage;
import dev.shardgate.wire.Parse;
import dev.shardgate.wire.ParseComplete;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.ReadyForQuery;
import dev.shardgate.wire.SqlState;
import dev.shardgate.wire.Sync;

import java.io.IOException;

/**
 * An extended-protocol segment whose Bind runs on several shards (pgjdbc's Parse, Bind, Describe,
 * Execute, Sync): the router answers every message of it up to Sync itself. Describe of the portal
 * and Execute run the statement on the shards with the client's parameters, once.
 */
final class MultiShardSegment {
    private MultiShardStatements.Plan plan;
    /** The statement of the segment's current Bind, whose comments may ask for SPQR's notice. */
    private String sql;
    private Bind bind;
    private int[] parameterTypes;
    private boolean describeAsked;
    private boolean ran;
    /** An error was sent: the rest of the segment is skipped up to Sync, as a server does. */
    private boolean failed;

    private MultiShardSegment(MultiShardStatements.Plan plan, Bind bind, int[] parameterTypes, String sql) {
        this.plan = plan;
        this.sql = sql;
        this.bind = bind;
        this.parameterTypes = parameterTypes;
    }

    /**
     * At a Bind whose route spans several shards: answers the held Parse messages and the Bind, and
     * makes the session's next messages up to Sync this segment's. False when the Bind runs on one shard.
     */
    static boolean startIfMultiShard(ClientSession session, PreparedStatements.Definition definition, Bind bind,
                                     Analysis analysis, Route route, BoundValues bound) throws IOException {
        MultiShardStatements.Plan plan = MultiShardStatements.plan(session, definition.sql(), analysis, route, bound);
        if (plan == null) {
            return false;
        }
        if (session.midSegmentLink() != null) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "a multi-shard statement cannot follow a one-shard"
                    + " statement in the same extended-protocol segment: send Sync between them");
        }
        // pgjdbc sends the BEGIN of a transaction block in the segment of its first statement
        if (!LocalCommands.answerHeld(session, true)) {
            FrontendMessage other = session.held.stream().filter(m -> !(m instanceof Parse)).findFirst().orElseThrow();
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "a multi-shard statement cannot follow "
                    + other.getClass().getSimpleName() + " in the same extended-protocol segment");
        }
        session.out.write(BindComplete.INSTANCE);
        session.multiShardSegment = new MultiShardSegment(plan, bind, definition.parameterTypes(), definition.sql());
        return true;
    }

    /** Takes the segment's next message; at Sync the segment ends. */
    void take(ClientSession session, FrontendMessage message) throws IOException {
        if (message instanceof Sync) {
            if (!failed && describeAsked && !ran) {
                run(session, false, 0);
            }
            session.multiShardSegment = null;
            session.localExtended.synced(session);
            session.metrics.answered(ran ? RouteKind.MULTI_SHARD : RouteKind.LOCAL, session.idleStatus());
            session.out.write(new ReadyForQuery(session.idleStatus()));
            session.out.flush();
            return;
        }
        if (failed) {
            return;
        }
        if (message instanceof Execute execute && LocalExtended.resume(session, execute)) {
            return; // the next rows of a portal an earlier Execute suspended
        }
        switch (message) {
            case Parse parse when parse.sql() == null -> fail(session, session.unreadable(parse.text()));
            case Parse parse -> {
                session.statements.define(parse.statement(), parse.text(), parse.sql(), parse.parameterTypes());
                session.out.write(ParseComplete.INSTANCE);
            }
            case Bind next -> bindNext(session, next);
            case Describe describe when describe.kind() == 'P' && describe.name().equals(bind.portal()) -> describeAsked = true;
            case Execute execute when execute.portal().equals(bind.portal()) && !ran -> run(session, true, execute.maxRows());
            case Close close -> {
                if (close.kind() == Close.PORTAL) {
                    session.localExtended.closePortal(close.name());
                }
                session.out.write(CloseComplete.INSTANCE);
            }
            case Flush flush -> session.out.flush();
            default -> fail(session, new PgException(SqlState.FEATURE_NOT_SUPPORTED, message.getClass().getSimpleName()
                    + " after a multi-shard statement in the same extended-protocol segment is not supported"));
        }
    }

    /**
     * Another Bind in the segment, as pgjdbc's executeBatch sends: it runs on several shards too, or
     * the segment fails (a one-shard statement would need the relay this segment bypasses).
     */
    private void bindNext(ClientSession session, Bind next) throws IOException {
        if (describeAsked && !ran) {
            run(session, false, 0);
            if (failed) {
                return;
            }
        }
        try {
            PreparedStatements.Definition definition = session.statements.get(next.statement());
            if (definition == null) {
                throw new PgException(SqlState.INVALID_SQL_STATEMENT_NAME,
                        "prepared statement \"" + next.statement() + "\" does not exist");
            }
            Analysis analysis = session.router.analyze(definition.sql());
            BoundValues bound = new BoundValues(definition.parameterTypes(), next.parameterFormats(), next.parameters(),
                    session.settings.clientEncoding());
            Route route = session.router.route(definition.sql(), analysis, bound);
            MultiShardStatements.Plan nextPlan = MultiShardStatements.plan(session, definition.sql(), analysis, route, bound);
            if (nextPlan == null) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "a one-shard statement cannot follow a multi-shard"
                        + " statement in the same extended-protocol segment: send Sync between them");
            }
            plan = nextPlan;
            sql = definition.sql();
            bind = next;
            parameterTypes = definition.parameterTypes();
            describeAsked = false;
            ran = false;
            session.out.write(BindComplete.INSTANCE);
        } catch (PgException e) {
            fail(session, e);
        }
    }

    /** @param maxRows the Execute's row limit (0 for none): past it the portal is suspended */
    private void run(ClientSession session, boolean execute, int maxRows) throws IOException {
        ran = true;
        try {
            ShardNotice.sending(session, sql, plan.shards());
            MultiShardStatements.Work work = (run, running) -> run.moving(running.movedRows(bind, parameterTypes))
                    .runExtended(running.sqlByShard(), running.parametersByShard(), parameterTypes, bind, running.select(),
                            describeAsked, execute, maxRows);
            MultiShardRun.Outcome outcome = plan.run(session, work);
            failed = outcome == null || outcome.failed();
            if (!failed && outcome.suspended() != null) {
                session.localExtended.suspend(bind.portal(), outcome.suspended());
            }
        } catch (PgException e) {
            fail(session, e); // e.g. no backend for a shard: the client still gets its error in order
        }
    }

    private void fail(ClientSession session, PgException error) throws IOException {
        session.out.write(ErrorResponse.of(error));
        failed = true;
    }
}
