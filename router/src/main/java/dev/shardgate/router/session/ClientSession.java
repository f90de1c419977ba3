package dev.shardgate.router.session;

import dev.shardgate.router.RouterContext;
import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.backend.QueryCancel;
import dev.shardgate.router.cancel.CancelRegistry;
import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.PoolMode;
import dev.shardgate.router.config.TargetSessionAttrs;
import dev.shardgate.router.loop.Conduit;
import dev.shardgate.router.loop.EventLoops;
import dev.shardgate.router.pool.BackendPool;
import dev.shardgate.sql.Analysis;
import dev.shardgate.wire.Bind;
import dev.shardgate.wire.Close;
import dev.shardgate.wire.CopyData;
import dev.shardgate.wire.CopyDone;
import dev.shardgate.wire.Describe;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.Execute;
import dev.shardgate.wire.Flush;
import dev.shardgate.wire.FrontendMessage;
import dev.shardgate.wire.FunctionCall;
import dev.shardgate.wire.Parse;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.PgReader;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.ReadyForQuery;
import dev.shardgate.wire.SqlState;
import dev.shardgate.wire.Sync;
import dev.shardgate.wire.Terminate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One client connection, on its own virtual thread: login, then a loop that reads client messages and
 * writes them to the backend the session holds, acquiring one when it holds none. {@link Relay}
 * forwards the backend's answers; in TRANSACTION pool mode it gives the backend back at
 * ReadyForQuery 'I' when nothing else is in flight. When the client sent a Query or Sync and nothing
 * after it, it waits for the answers anyway: the session's own thread relays them (no second thread,
 * no hand-off). Otherwise, or when COPY needs the client's data, a relay thread does, while this one
 * goes on reading the client.
 */
public final class ClientSession implements Runnable, CancelRegistry.Cancellable {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);

    private final RouterContext context;
    /** The client's socket; after a TLS handshake, its TLS conduit (so that closing sends close_notify). */
    private volatile Conduit socket;
    final PgReader in;
    final PgWriter out;
    private final int processId;
    private final int secretKey;
    final ReentrantLock lock = new ReentrantLock();
    /** The backend held by this session; guarded by {@link #lock}. */
    BackendLink link;
    /** Signalled whenever a relay stops reading or a backend is let go; waits use {@link #lock}. */
    final Condition quiet = lock.newCondition();
    /** The client disconnected; guarded by {@link #lock}, read without it by the relay. */
    volatile boolean clientGone;
    private String user;
    private String database;
    FrontendRule rule;
    SessionSettings settings;
    PreparedStatements statements;
    TransactionRouter router;
    dev.shardgate.router.metrics.SessionMetrics metrics;
    /** Which hosts the session's transactions may use (target_session_attrs). */
    HostIntent hostIntent;
    /** Extended-protocol messages held back until the segment names the shard (a keyed Bind or a Sync). */
    final List<FrontendMessage> held = new ArrayList<>();
    /** The backend was told to fail the current extended-protocol segment; messages go to it until Sync. */
    private boolean segmentFailed;
    /** Statements and portals of router-answered commands (SPQR hints, EXPLAIN ROUTE) in the extended protocol. */
    final LocalExtended localExtended = new LocalExtended();
    /** BEGIN, SAVEPOINT, SET LOCAL … answered before the transaction had a shard, replayed on it first. */
    final List<String> deferred = new ArrayList<>();
    /** The extended-protocol segment of a multi-shard statement, answered by the router up to Sync; or null. */
    MultiShardSegment multiShardSegment;
    /** After a router-made error in the extended protocol, messages are skipped up to Sync, as a server does. */
    private boolean skipUntilSync;
    /** Shards other than the current backend's that the open transaction block touched. */
    final JoinedShards joined = new JoinedShards();
    /** The savepoints of the open transaction block, for shards that join it. */
    final Savepoints savepoints = new Savepoints();
    /** The session state to restore when the transaction block or a savepoint rolls back. */
    final TransactionSettings transactionSettings = new TransactionSettings();
    /** SPQR's {@code __spqr__set_next_2pc_gid}: the name the session's next two-phase commit prepares under, once. */
    String nextTwoPhaseGid;

    /** The name chosen for the next two-phase commit, now used up; null when none was chosen. */
    String takeNextTwoPhaseGid() {
        String gid = nextTwoPhaseGid;
        nextTwoPhaseGid = null;
        return gid;
    }
    /** Whether the session waits on its client, for a graceful shutdown and the routing fence. */
    final IdleWait idleWait = new IdleWait();

    public ClientSession(RouterContext context, Conduit socket) throws IOException {
        this.context = context;
        this.socket = socket;
        this.in = new PgReader(socket.input(), context.config().maxMessageLength(), context.clientBuffers());
        this.out = new PgWriter(socket.output(), context.clientBuffers());
        this.processId = context.cancels().newProcessId();
        this.secretKey = context.cancels().newSecretKey();
    }

    @Override
    public int secretKey() {
        return secretKey;
    }

    @Override
    public void run() {
        boolean loggedIn = false;
        var tlsGate = new dev.shardgate.router.tls.ClientTlsGate(context.frontendTls(), socket);
        try {
            if (!logIn(tlsGate)) {
                return;
            }
            context.cancels().register(processId, this);
            context.sessions().add(this);
            Greeting.send(this);
            loggedIn = true;
            socket.readTimeout((int) context.config().clientIdleTimeout().toMillis());
            log.info("event=client_connected client={} user={} db={} pool_mode={}", processId, user, database, rule.poolMode());
            serve();
        } catch (PgException e) {
            sendFatal(e);
        } catch (SocketTimeoutException e) {
            // as PostgreSQL's idle_session_timeout says it (the login has a deadline of its own)
            sendFatal(new PgException(SqlState.IDLE_SESSION_TIMEOUT, "terminating connection due to idle-session timeout"));
        } catch (EOFException | SocketException e) {
            log.debug("event=client_eof client={} error=\"{}\"", processId, e.getMessage());
        } catch (IOException | RuntimeException e) {
            log.warn("event=client_error client={} error=\"{}\"", processId, e.toString());
        } finally {
            context.cancels().unregister(processId);
            context.sessions().remove(this);
            ClientEnd.release(this);
            joined.abandon(this);
            transactionSettings.clear();
            socket = tlsGate.conduit();
            closeSocket();
            if (loggedIn) {
                log.info("event=client_disconnected client={} user={} db={}", processId, user, database);
            }
        }
    }

    /**
     * The login and the session state it decides. A method of its own so that the startup packet is
     * garbage once the session waits for its client: a local of {@link #run} would stay on the parked
     * stack of every idle session.
     */
    private boolean logIn(dev.shardgate.router.tls.ClientTlsGate tlsGate) throws IOException {
        ClientLogin.Login login = new ClientLogin(context, socket, in, out, tlsGate).perform();
        if (login == null) {
            return false;
        }
        rule = login.rule();
        // interned: the sessions of one user and database share the two strings instead of a copy each
        user = login.startup().user().intern();
        database = login.startup().database().intern();
        metrics = context.metrics().session(database, user);
        router = new TransactionRouter(context);
        settings = SessionSettings.fromStartup(router.hintsTakenFrom(login.startup().parameters()));
        settings.onClientEncoding(out::textEncoding);
        hostIntent = new HostIntent(processId, rule, router.hints, settings, deferred,
                () -> !deferred.isEmpty() || !held.isEmpty());
        router.seeThroughWith(new ShardCatalog(this), () -> settings.get("search_path"));
        statements = new PreparedStatements(context.statementNames(), context.autoIncrement(), settings::clientEncoding);
        return true;
    }

    private void serve() throws IOException {
        while (true) {
            if (idleWait.endsBeforeNext(this, context.drain())) {
                return; // the router shuts down: told between transactions (or at its timeout)
            }
            int type = in.next();
            if (type < 0 || !idleWait.continuesAfterRead(context.qdb().version())) {
                return;
            }
            metrics.messageIn(in.length());
            FrontendMessage message = in.frontend(settings.clientEncoding());
            if (message instanceof Terminate) {
                return;
            }
            if (skipUntilSync) {
                if (message instanceof Sync) {
                    skipUntilSync = false;
                    out.write(new ReadyForQuery(idleStatus()));
                    out.flush();
                }
                continue;
            }
            cancelWhileWaiting = false; // a cancel only applies to what runs when it arrives
            try {
                handle(message);
            } catch (SegmentFailed e) {
                held.clear();
            } catch (PgException e) {
                held.clear();
                BackendLink l = midSegmentLink();
                if (l != null && LocalExtended.isExtendedProtocol(message)) {
                    // the backend has this segment's earlier messages: it must raise the error, in order
                    failSegmentInBand(l, e);
                } else {
                    routerError(e, LocalExtended.isExtendedProtocol(message));
                }
            }
        }
    }

    /** Routes the message: at the start of a transaction, to the shard its first key names. */
    private void handle(FrontendMessage message) throws IOException {
        if (message instanceof Bind bind) {
            message = statements.withAutoIncrementValues(bind);
        }
        if (multiShardSegment != null) {
            multiShardSegment.take(this, message);
            return;
        }
        if (segmentFailed) {
            // the backend already failed this segment (see failSegmentInBand): it ignores all up to Sync
            segmentFailed = !(message instanceof Sync);
            send(message, context.anyShard());
            return;
        }
        if (message instanceof Query || message instanceof Parse || message instanceof Bind) {
            settle();
        }
        if (message instanceof Query query && query.sql() == null) {
            unreadableQuery(query);
            return;
        }
        if (message instanceof Parse parse && parse.sql() == null) {
            throw unreadable(parse.text());
        }
        message = withRemoteStatement(message);
        if (LocalExtended.answer(this, message)) {
            return;
        }
        switch (message) {
            case Query query -> handleQuery(query);
            case Parse parse -> {
                PgException refused = SqlPrepared.refusalInParse(this, parse.sql());
                if (refused != null && inTransactionBlock()) {
                    // as a server's error would, it fails the transaction: the backend raises it
                    failSegmentInBand(ensureShard(null), refused);
                    return;
                }
                if (refused != null) {
                    throw refused;
                }
                statements.define(parse.statement(), parse.text(), parse.sql(), parse.parameterTypes());
                holdOrSend(parse);
            }
            case Bind bind -> handleBind(bind);
            case Sync sync -> {
                if (currentLink() == null && LocalCommands.answerHeldTransactionStart(this)) {
                    return;
                }
                if (currentLink() == null && PreparedLocally.answer(this)) {
                    return;
                }
                if (currentLink() == null && held.isEmpty()) {
                    out.write(new ReadyForQuery(idleStatus())); // nothing to sync: answer as a server would
                    out.flush();
                    return;
                }
                if (currentLink() == null && !deferred.isEmpty() && LocalCommands.isPrepareOnly(held)) {
                    // libpq's PQprepare inside a transaction not yet placed (pgbench -M prepared after
                    // BEGIN): any shard can check the statement, and must not take the deferred BEGIN
                    attach(context.anyShard());
                }
                sendHeld(context.anyShard());
                send(sync, context.anyShard());
            }
            case Flush flush -> {
                sendHeld(context.anyShard());
                send(flush, context.anyShard());
            }
            default -> holdOrSend(message);
        }
    }

    /**
     * {@code SELECT __spqr__remote_execute('sh1', 'statement')} becomes the statement itself, for the
     * named shard (see {@link VirtualFunctions#remoteStatement}); any other message stays as it is.
     */
    private FrontendMessage withRemoteStatement(FrontendMessage message) {
        String sql = switch (message) {
            case Query query -> query.sql();
            case Parse parse -> parse.sql();
            default -> null;
        };
        String statement = VirtualFunctions.remoteStatement(context, sql);
        if (statement == null) {
            return message;
        }
        return message instanceof Parse parse
                ? Parse.of(parse.statement(), statement, parse.parameterTypes(), settings.clientEncoding())
                : Query.of(statement, settings.clientEncoding());
    }

    /** PostgreSQL's error for statement bytes that are not text of the client encoding (22021, 22P05). */
    PgException unreadable(byte[] text) {
        return settings.clientEncoding().unreadable(text, settings.serverEncoding());
    }

    /**
     * PostgreSQL refuses such a query string when it reads it, and an open transaction block then
     * fails: inside one the transaction's shard raises the error, so the block fails there as well.
     * The bytes themselves go nowhere, since they cannot be analysed to be routed.
     */
    private void unreadableQuery(Query query) throws IOException {
        PgException error = unreadable(query.text());
        if (!inTransactionBlock()) {
            throw error;
        }
        failInTransaction(error, false);
    }

    /**
     * Tells the host intent what the statement does; a write in a transaction placed for reads is
     * refused (25006) by the transaction's backend, so that it fails the transaction as on a server.
     */
    private boolean refusedByHostIntent(String sql, Analysis analysis, boolean extended) throws IOException {
        PgException refused = hostIntent.next(sql, analysis, !betweenTransactions());
        if (refused != null) {
            failInTransaction(refused, extended);
        }
        return refused != null;
    }

    private void failInTransaction(PgException error, boolean extended) throws IOException {
        BackendLink l = ensureShard(null);
        if (extended) {
            // the refused statement's own Parse is held: a standby must not even parse it (its
            // relations may not have reached it yet); the backend skips to Sync after the error
            held.clear();
            failSegmentInBand(l, error);
        } else {
            sendHeld(l.pool.key().shard());
            send(Query.of(InBandError.raising(error), settings.clientEncoding()), l.pool.key().shard());
        }
    }

    /** The backend holding extended-protocol messages of a segment not yet ended by Sync, if any. */
    BackendLink midSegmentLink() {
        lock.lock();
        try {
            return link != null && link.unsynced ? link : null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * No transaction is open: the session holds no backend, or (SESSION mode) one that is idle with
     * nothing in flight, so the next statement may still choose its shard.
     */
    boolean betweenTransactions() {
        lock.lock();
        try {
            BackendLink l = link;
            return l == null || (l.isQuiet() && !l.relaying && !l.writing && l.transactionStatus == 'I');
        } finally {
            lock.unlock();
        }
    }

    /** A transaction block is open, or was begun and waits for its first shard. */
    boolean inTransactionBlock() {
        return !betweenTransactions() || !deferred.isEmpty();
    }

    /**
     * In a transaction block, between segments: the next Bind may name another shard, which then
     * joins the transaction, so the segment's messages wait for it as between transactions.
     */
    private boolean joinable() {
        lock.lock();
        try {
            BackendLink l = link;
            return l != null && l.isQuiet() && !l.relaying && !l.writing && l.transactionStatus != 'I';
        } finally {
            lock.unlock();
        }
    }

    private void holdOrSend(FrontendMessage message) throws IOException {
        if ((betweenTransactions() || joinable()) && (LocalExtended.isExtendedProtocol(message) || !held.isEmpty())) {
            held.add(message);
        } else {
            send(message, context.anyShard());
        }
    }

    /** Sends what was held back, on {@code shard} (or the backend the session already holds). */
    private void sendHeld(String shard) throws IOException {
        if (held.isEmpty()) {
            return;
        }
        List<FrontendMessage> messages = List.copyOf(held);
        held.clear();
        for (FrontendMessage m : messages) {
            send(m, shard);
        }
    }

    /** A query with the AUTO INCREMENT columns it leaves out filled in, and its analysis. */
    private record Filled(Query query, Analysis analysis) {
    }

    private Filled filled(Query query) {
        Analysis analysis = router.analyze(query.sql());
        String sql = context.autoIncrement().query(query.sql(), analysis);
        return sql.equals(query.sql()) ? new Filled(query, analysis)
                : new Filled(Query.of(sql, settings.clientEncoding()), router.analyze(sql));
    }

    private void handleQuery(Query query) throws IOException {
        if (!held.isEmpty() && !(betweenTransactions() && LocalCommands.answerHeld(this, false))) {
            // A Query inside an extended-protocol segment (pgjdbc sends its autosave SAVEPOINT so):
            // the messages held before it go first, to the Query's shard. Held BEGIN is answered above.
            Filled filled = filled(query);
            query = filled.query();
            var analysis = filled.analysis();
            transactionSettings.follow(this, analysis, () -> joined.hasFailed(this));
            savepoints.follow(analysis, () -> joined.hasFailed(this));
            if (refusedByHostIntent(query.sql(), analysis, false)) {
                return;
            }
            String shard = ensureShard(router.shardFor(router.route(query.sql(), analysis, null))).pool.key().shard();
            sendHeld(shard);
            send(query, shard);
            return;
        }
        String unanswered = LocalCommands.answer(this, query.sql());
        if (unanswered == null) {
            return;
        }
        if (!unanswered.equals(query.sql())) {
            query = Query.of(unanswered, settings.clientEncoding()); // the hint commands it began with were answered
        }
        if (!router.needsAnalysis(query.sql()) && !hostIntent.classifiesStatements()) {
            // no distributed relation exists and the text cannot change session state: skip the parser
            hostIntent.next(query.sql(), null, !betweenTransactions());
            send(query, ensureShard(null).pool.key().shard());
            return;
        }
        Filled filled = filled(query);
        query = filled.query();
        var analysis = filled.analysis();
        transactionSettings.follow(this, analysis, () -> joined.hasFailed(this));
        if (refusedByHostIntent(query.sql(), analysis, false)) {
            return;
        }
        if (!joined.isEmpty() && joined.answerIfJoined(this, analysis)) {
            return;
        }
        savepoints.follow(analysis, () -> joined.hasFailed(this));
        if (betweenTransactions() && LocalCommands.deferOrAnswer(this, analysis)) {
            return;
        }
        if (SqlPrepared.runIfPrepared(this, query, analysis)) {
            return;
        }
        var route = router.route(query.sql(), analysis, null);
        if (ShardedCopy.runIfSharded(this, query.sql(), analysis, route)) {
            return;
        }
        if (UtilityOnShards.runIfUtility(this, query.sql(), analysis, route)
                || MultiShardStatements.runIfMultiShard(this, query.sql(), analysis, route)) {
            return;
        }
        String shard = router.shardFor(route);
        BackendLink l = ensureShard(shard);
        // recorded before sending: once sent, the relay may hand the backend to another client
        LocalCommands.trackSettings(this, analysis, l.backend);
        ShardNotice.sending(this, query.sql(), List.of(l.pool.key().shard()));
        send(query, l.pool.key().shard());
    }

    private void handleBind(Bind bind) throws IOException {
        PreparedStatements.Definition definition = statements.get(bind.statement());
        if (definition == null) {
            holdOrSend(bind); // the server reports the unknown statement
            return;
        }
        var analysis = router.analyze(definition.sql());
        transactionSettings.follow(this, analysis, () -> joined.hasFailed(this));
        if (refusedByHostIntent(definition.sql(), analysis, true)) {
            return;
        }
        if (joined.beforeExtended(this, bind, analysis)) {
            return;
        }
        savepoints.follow(analysis, () -> joined.hasFailed(this));
        if (betweenTransactions() && LocalCommands.isTransactionStart(analysis)) {
            held.add(bind); // BEGIN, SET …: keep holding until a statement names the shard
            return;
        }
        var bound = new dev.shardgate.router.route.BoundValues(definition.parameterTypes(), bind.parameterFormats(), bind.parameters(),
                settings.clientEncoding());
        var route = router.route(definition.sql(), analysis, bound);
        if (MultiShardSegment.startIfMultiShard(this, definition, bind, analysis, route, bound)) {
            return;
        }
        // only while no backend's answer is on its way to the client: a segment already sent holds
        // the backend busy until Sync, and the notice would wait for it
        boolean notice = ShardNotice.isWanted(this, definition.sql()) && clientWriterIsFree();
        BackendLink l = ensureShard(router.shardFor(route));
        LocalCommands.trackSettings(this, analysis, l.backend);
        String shard = l.pool.key().shard();
        if (notice) {
            ShardNotice.write(clientWriterWhenQuiet(), List.of(shard)); // before the held Parse goes out
        }
        sendHeld(shard);
        send(bind, shard);
    }

    /**
     * Makes the session's backend one of {@code shard}: takes one if it holds none, changes shard
     * freely between transactions, and inside one lets the other shard join it (see JoinedShards).
     */
    BackendLink ensureShard(String shard) throws IOException {
        BackendLink l = currentLink();
        if (l == null) {
            return startTransaction(shard == null ? context.anyShard() : shard);
        }
        if (shard == null || l.pool.key().shard().equals(shard)) {
            if (!joined.isEmpty()) {
                joined.requireNotFailed(); // the statement would succeed here though another shard failed
            }
            return replayDeferred(l);
        }
        if (midSegmentLink() == l) {
            failSegmentInBand(l, crossShard(l, shard));
            throw new SegmentFailed();
        }
        waitQuiet(l);
        byte status;
        boolean released;
        lock.lock();
        try {
            released = link != l; // the relay gave it back while we waited
            status = l.transactionStatus;
            if (!released && status == 'I') {
                link = null;
            }
        } finally {
            lock.unlock();
        }
        if (released) {
            return startTransaction(shard);
        }
        if (status == 'I') {
            Relay.release(this, l);
            return startTransaction(shard);
        }
        return joined.join(this, l, shard);
    }

    private static PgException crossShard(BackendLink l, String shard) {
        // the segment's earlier messages wait on that backend for the client's Sync: another shard
        // cannot run this one in between, nor can the two share the segment's implicit transaction
        return new PgException(SqlState.FEATURE_NOT_SUPPORTED, "this extended-protocol segment began on shard \""
                + l.pool.key().shard() + "\" but this statement needs shard \"" + shard
                + "\": statements up to a Sync must run on one shard")
                .withHint("Send Sync before a statement for another shard: in JDBC, run statements for different"
                        + " shards one by one rather than in one batch.");
    }

    /** The refusal was handed to the backend, which reports it in order: nothing more to send now. */
    private static final class SegmentFailed extends RuntimeException {
        SegmentFailed() {
            super(null, null, false, false);
        }
    }

    /**
     * When the previous segment is complete on our side and only its answers are outstanding, waits
     * for them: whether the session is between transactions (and which backend it holds) is only
     * known once its ReadyForQuery has been seen.
     */
    private void settle() {
        BackendLink l = currentLink();
        if (l == null) {
            return;
        }
        boolean answersOutstanding;
        lock.lock();
        try {
            answersOutstanding = l.relaying && !l.unsynced && l.syncsInFlight > 0;
        } finally {
            lock.unlock();
        }
        if (answersOutstanding) {
            waitQuiet(l);
        }
    }

    /** A statement refused mid-segment: the backend raises the error in order (see InBandError). */
    private void failSegmentInBand(BackendLink l, PgException error) throws IOException {
        InBandError.raise(this, l, error);
        segmentFailed = true;
    }

    /** Waits until nothing is in flight on the backend and no relay reads it. */
    void waitQuiet(BackendLink l) {
        // Answers cannot come for messages still in our buffer: flush it, but only while the backend
        // is still ours (writing = true keeps the relay from handing it to another session meanwhile).
        boolean owned;
        lock.lock();
        try {
            owned = link == l;
            if (owned) {
                l.writing = true;
            }
        } finally {
            lock.unlock();
        }
        if (owned) {
            try {
                l.backend.writer().flush();
            } catch (IOException e) {
                l.backend.markBroken();
            } finally {
                writeDone(l);
            }
        }
        lock.lock();
        try {
            while (link == l && (l.relaying || l.writing)) {
                quiet.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Nothing is in flight or held back: the router may answer the client itself, in order. */
    boolean canAnswerLocally() {
        lock.lock();
        try {
            return held.isEmpty() && (link == null || (!link.relaying && !link.writing && link.isQuiet()));
        } finally {
            lock.unlock();
        }
    }

    /** Writes router-made answers to the client once the backend's answers before them are through. */
    /**
     * Nothing of a backend's is on its way to the client: the session may write to it without
     * waiting (the backend holds no unsynced segment, which would keep it busy until Sync).
     */
    boolean clientWriterIsFree() {
        lock.lock();
        try {
            BackendLink l = link;
            return l == null || (l.isQuiet() && !l.relaying && !l.writing);
        } finally {
            lock.unlock();
        }
    }

    PgWriter clientWriterWhenQuiet() {
        BackendLink l = currentLink();
        if (l != null) {
            waitQuiet(l);
        }
        return out;
    }

    /**
     * Sends the message (and any statement it needs prepared on this backend) to the session's
     * backend, taking one of {@code shard} when the session holds none.
     */
    void send(FrontendMessage message, String shard) throws IOException {
        List<FrontendMessage> outgoing = new ArrayList<>(2);
        BackendLink current;
        boolean startRelay;
        boolean relayHere;
        while (true) {
            BackendLink candidate = currentLink();
            if (candidate == null) {
                candidate = startTransaction(shard);
            }
            lock.lock();
            try {
                if (link != candidate) {
                    continue; // the relay released it between our look and our lock: take another
                }
                String replay = candidate.replay;
                if (replay != null) {
                    outgoing.add(Query.of(replay, settings.clientEncoding()));
                    BackendLink.expectRouterReady(candidate);
                }
                try {
                    candidate.register(message, statements, outgoing);
                } catch (RuntimeException e) {
                    if (replay != null) {
                        BackendLink.forgetRouterReady(candidate); // still deferred: the next statement sends it
                    }
                    throw e;
                }
                candidate.replay = null;
                candidate.writing = true;
                boolean moreFromClient = in.hasBufferedMessage();
                // The rest of a batch the client sent at once is at hand: the answers can wait for its end.
                startRelay = !candidate.relaying && (!moreFromClient || endsSegment(message));
                // The client waits for these answers and sent nothing more: relay them on this thread.
                relayHere = startRelay && !moreFromClient && !candidate.unsynced && endsSegment(message)
                        && !(message instanceof Flush);
                candidate.relaying |= startRelay;
                current = candidate;
                break;
            } finally {
                lock.unlock();
            }
        }
        PgWriter backendOut = current.backend.writer();
        boolean written = false;
        try {
            for (FrontendMessage m : outgoing) {
                backendOut.write(m);
            }
            if (!in.hasBufferedMessage()) {
                backendOut.flush();
            }
            written = true;
        } catch (IOException e) {
            current.backend.markBroken();
            throw current.backend.lost(e);
        } finally {
            if (startRelay && !(relayHere && written)) {
                // also after a failed write: the relay finds the connection broken and cleans up
                startRelayThread(current);
            }
            writeDone(current);
        }
        if (relayHere) {
            Relay.run(this, current, true);
        }
    }

    /** Messages after which the backend answers without waiting for more from the client. */
    private static boolean endsSegment(FrontendMessage message) {
        return message instanceof Query || message instanceof Sync || message instanceof FunctionCall
                || message instanceof Flush;
    }

    /** Forwards the backend's answers on a thread of their own while this one reads the client. */
    void startRelayThread(BackendLink relayed) {
        EventLoops.startVirtual("relay-" + processId, () -> Relay.run(this, relayed, false));
    }

    /** The relay may have seen the last answer while we were still writing: then the release is ours. */
    void writeDone(BackendLink l) {
        boolean release;
        lock.lock();
        try {
            l.writing = false;
            release = !l.relaying && link == l && isReleasable(l);
            if (release) {
                link = null;
            }
            quiet.signalAll();
        } finally {
            lock.unlock();
        }
        if (release) {
            Relay.release(this, l);
        }
    }

    /** Under the lock: an idle backend with nothing in flight goes back to its pool in TRANSACTION mode. */
    boolean isReleasable(BackendLink l) {
        return l.isQuiet() && !l.writing && rule.poolMode() == PoolMode.TRANSACTION && l.transactionStatus == 'I';
    }

    BackendLink currentLink() {
        lock.lock();
        try {
            return link;
        } finally {
            lock.unlock();
        }
    }

    /** Takes a backend from the pool of the transaction's shard and gives it this client's settings. */
    BackendLink attach(String shard) throws IOException {
        BackendPool pool = context.pools().pool(shard, database, user);
        TargetSessionAttrs attrs = hostIntent.attrsFor(pool);
        return attach(pool, metrics.acquire(pool, attrs, () -> cancelWhileWaiting, hostIntent.wroteAt(pool)));
    }

    /** Makes {@code backend}, just taken from {@code pool}, this session's, with this client's settings. */
    BackendLink attach(BackendPool pool, BackendConnection backend) throws IOException {
        String shard = pool.key().shard();
        try {
            settings.applyTo(backend);
        } catch (IOException e) {
            pool.discard(backend);
            throw backend.lost(e);
        } catch (RuntimeException e) {
            pool.release(backend);
            throw e;
        }
        BackendLink fresh = new BackendLink(backend, pool);
        lock.lock();
        try {
            link = fresh;
        } finally {
            lock.unlock();
        }
        return fresh;
    }

    /** Takes a backend of {@code shard} and replays on it what was deferred (BEGIN, SAVEPOINT, SET LOCAL). */
    BackendLink startTransaction(String shard) throws IOException {
        return replayDeferred(attach(shard));
    }

    private BackendLink replayDeferred(BackendLink l) throws IOException {
        if (deferred.isEmpty()) {
            return l;
        }
        joined.rememberStart(deferred, l);
        LocalCommands.replayedOn(this, deferred, l.backend);
        if (deferred.size() == 1 && LocalCommands.isPlainTransactionStart(deferred.getFirst())) {
            // A BEGIN cannot fail on an idle backend: it goes out in front of the statement that needed
            // the shard, in the same write, and the relay swallows its answers (no round trip of its own).
            lock.lock();
            try {
                l.replay = deferred.getFirst();
            } finally {
                lock.unlock();
            }
            deferred.clear();
            return l;
        }
        String replay = String.join(";", deferred);
        deferred.clear();
        byte status;
        try {
            status = dev.shardgate.router.backend.BackendQueries.execute(l.backend, replay, settings.clientEncoding());
        } catch (IOException e) {
            l.backend.markBroken();
            throw l.backend.lost(e);
        }
        lock.lock();
        try {
            l.transactionStatus = status;
        } finally {
            lock.unlock();
        }
        return l;
    }

    void statementsDiscarded() {
        // DISCARD ALL / DEALLOCATE ALL run by the client drop its prepared statements, as on a server
        statements.clear();
    }

    byte idleStatus() {
        lock.lock();
        try {
            byte status = link == null ? (byte) 'I' : link.transactionStatus;
            boolean started = !deferred.isEmpty() || (link != null && link.replay != null);
            return status == 'I' && started ? (byte) 'T' : status;
        } finally {
            lock.unlock();
        }
    }

    private void routerError(PgException e, boolean extendedProtocol) throws IOException {
        log.debug("event=router_error client={} sqlstate={} message=\"{}\"", processId, e.sqlState().code(), e.getMessage());
        shardError(ErrorResponse.of(e), extendedProtocol);
    }

    /** An error for the client's statement, then ReadyForQuery, or (extended protocol) skipping up to Sync. */
    void shardError(ErrorResponse error, boolean extendedProtocol) throws IOException {
        metrics.error(error.code(), false);
        out.write(error);
        if (extendedProtocol) {
            skipUntilSync = true;
        } else {
            out.write(new ReadyForQuery(idleStatus()));
        }
        out.flush();
    }

    private void sendFatal(PgException e) {
        log.info("event=client_rejected client={} address={} sqlstate={} message=\"{}\"", processId, socket.remoteAddress(),
                e.sqlState().code(), e.getMessage());
        try {
            out.write(ErrorResponse.fatal(e));
            out.flush();
        } catch (IOException | RuntimeException ignored) {
            // the client may already be gone
        }
    }

    void closeSocket() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to tell the client
        }
    }

    /** A cancel request arrived while the session held no backend, e.g. while it waited for one. */
    private volatile boolean cancelWhileWaiting;

    /** The backends a multi-shard statement runs on, while it runs: a cancel request goes to each. */
    volatile List<BackendConnection> multiShardBackends;

    @Override
    public void cancelRunningQuery() {
        List<BackendConnection> several = multiShardBackends;
        if (several != null) {
            several.forEach(b -> QueryCancel.cancel(b, "a cancel request", () -> multiShardBackends == several));
            return;
        }
        BackendLink l = currentLink();
        if (l == null) {
            cancelWhileWaiting = true;
        } else if (isRelaying(l)) {
            QueryCancel.cancel(l.backend, "a cancel request", () -> isRelaying(l));
        } else {
            QueryCancel.send(l.backend); // nothing runs: the server ignores it, nothing to watch
        }
    }

    /** True while {@code l} is this session's backend and an answer from it is awaited. */
    boolean isRelaying(BackendLink l) {
        lock.lock();
        try {
            return link == l && l.relaying;
        } finally {
            lock.unlock();
        }
    }

    /** KILL CLIENT: the session ends with 57P01 at once if it waits on its client, else once its running statement is cancelled. */
    volatile boolean killed;

    public void kill() {
        killed = true; // before the claim: a session that starts waiting now sees it (see IdleWait)
        if (!idleWait.claimIfWaiting(this, true)) {
            cancelRunningQuery();
        }
    }

    /** For SHOW clients. */
    public dev.shardgate.console.exec.ClientInfo info() {
        BackendLink l = currentLink();
        String server = l == null ? null : Integer.toString(l.backend.processId()); // = backend_connection_id
        String address = socket.remoteAddress() instanceof java.net.InetSocketAddress a
                ? a.getAddress().getHostAddress() + ":" + a.getPort() : String.valueOf(socket.remoteAddress());
        return new dev.shardgate.console.exec.ClientInfo(Integer.toString(processId), user, database, address, server);
    }

    int processId() {
        return processId;
    }

    RouterContext context() {
        return context;
    }

    /** The pool of this client's database and user on a shard. */
    BackendPool poolFor(String shard) {
        return context.pools().pool(shard, database, user);
    }

    boolean cancelRequested() {
        return cancelWhileWaiting;
    }

    /** The session lets go of {@code l} (it is about to go back to its pool). */
    void forgetLink(BackendLink l) {
        lock.lock();
        try {
            if (link == l) {
                link = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The session's backend broke outside the relay: forget it and close it. */
    void dropLink(BackendLink l) {
        lock.lock();
        try {
            if (link == l) {
                link = null;
            }
            quiet.signalAll();
        } finally {
            lock.unlock();
        }
        l.pool.discard(l.backend);
    }
}
