package dev.shardgate.router.session;

import dev.shardgate.router.config.FrontendRule;
import dev.shardgate.router.config.PoolMode;
import dev.shardgate.router.config.TargetSessionAttrs;
import dev.shardgate.router.pool.BackendPool;
import dev.shardgate.router.route.RoutingHints;
import dev.shardgate.sql.Analysis;
import dev.shardgate.sql.DataAccess;
import dev.shardgate.sql.Hints;
import dev.shardgate.sql.Statement;
import dev.shardgate.sql.StatementKind;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which hosts of a shard a session's transaction may use (target_session_attrs), decided once per
 * transaction, at its first backend, and handed to the pool with every backend taken for it. The
 * most specific source wins: the hint on the transaction's first statement, the session's SET (or
 * startup value), the frontend rule, {@code read-write}. How a read-only transaction and
 * {@code smart-read-write} turn into what the pool is asked for is {@link #decide}; docs/replicas.md
 * says it for operators. Used by the session's own thread only.
 */
final class HostIntent {
    private static final Logger log = LoggerFactory.getLogger(HostIntent.class);
    private static final String COMMENT_HINT = RoutingHints.TARGET_SESSION_ATTRS.substring(RoutingHints.PREFIX.length());
    /** A transaction's access mode as BEGIN, START TRANSACTION or SET TRANSACTION write it. */
    private static final Pattern ACCESS_MODE = Pattern.compile("(?i)\\bread\\s+(only|write)\\b");
    private static final Pattern SET_TRANSACTION = Pattern.compile("(?is)^\\s*set\\s+transaction\\b.*");

    /** How a transaction declared its access mode, if it did. */
    enum Declared {
        READ_ONLY, READ_WRITE, UNDECLARED
    }

    private final int client;
    private final TargetSessionAttrs ruleAttrs;
    private final boolean sessionPooling;
    private final RoutingHints hints;
    private final SessionSettings settings;
    private final List<String> deferred;
    /** A transaction start waits for its first backend: BEGIN deferred by the router or held in a segment. */
    private final BooleanSupplier startPending;
    /** The value given at login (startup parameter or options), which RESET returns to; null when none. */
    private final TargetSessionAttrs startupAttrs;
    /** The analysis of the statement about to take a backend (null: not analysed); what it does is read only when it matters. */
    private Analysis nextAnalysis;
    /** The access mode and the hinted attrs of the transaction about to begin, by its BEGIN or first statement. */
    private Declared pendingDeclared = Declared.UNDECLARED;
    private TargetSessionAttrs pendingHint;
    /** The open transaction's attrs, decided at its first backend; null before. */
    private TargetSessionAttrs placed;
    /** The attrs that placed the open transaction for reads although they allow the primary; null otherwise. */
    private TargetSessionAttrs placedForReadsBy;
    /** read_your_writes of the frontend rule; the session's SET wins. */
    private final boolean ruleReadsOwnWrites;
    /** The shards the open transaction took backends of, while placed on primaries; empty otherwise. */
    private final java.util.Set<String> writtenByOpen = new java.util.HashSet<>();
    /**
     * By shard, when a transaction of this session that may have written there was seen to have
     * ended (System.nanoTime): later reads on standbys must see what the primary had by then.
     */
    private final java.util.Map<String, Long> wroteAt = new java.util.HashMap<>();

    HostIntent(int client, FrontendRule rule, RoutingHints hints, SessionSettings settings, List<String> deferred,
               BooleanSupplier startPending) {
        this.client = client;
        this.ruleAttrs = rule.targetSessionAttrs();
        this.sessionPooling = rule.poolMode() == PoolMode.SESSION;
        this.hints = hints;
        this.settings = settings;
        this.deferred = deferred;
        this.startPending = startPending;
        this.startupAttrs = hints.get(RoutingHints.TARGET_SESSION_ATTRS).map(RoutingHints::parseTargetSessionAttrs).orElse(null);
        this.ruleReadsOwnWrites = rule.readYourWrites();
    }

    /** Whether the session reads its own writes on standbys: its SET, else its frontend rule. */
    boolean readsOwnWrites() {
        return hints.get(RoutingHints.READ_YOUR_WRITES).map(v -> RoutingHints.parseOnOff(RoutingHints.READ_YOUR_WRITES, v))
                .orElse(ruleReadsOwnWrites);
    }

    /**
     * For read-your-writes: the moment (System.nanoTime) before which this session's writes on
     * {@code pool}'s shard committed, 0 when it wrote none there or does not ask to read them. Called
     * as the open transaction takes a backend of the shard; a transaction placed on primaries is
     * noted as one that may write, to count once it ends (writes made before the session asked to
     * read them are not noted).
     */
    long wroteAt(BackendPool pool) {
        if (!readsOwnWrites()) {
            return 0; // nothing noted for sessions that do not ask: no cost per transaction
        }
        if (placed == TargetSessionAttrs.READ_WRITE || placed == TargetSessionAttrs.PRIMARY) {
            writtenByOpen.add(pool.key().shard());
            return 0; // it goes to the primary anyway
        }
        return wroteAt.getOrDefault(pool.key().shard(), 0L);
    }

    /** The session's attrs, as SHOW answers them: its SET, else its login's, else its frontend rule's. */
    TargetSessionAttrs sessionAttrs() {
        return hints.get(RoutingHints.TARGET_SESSION_ATTRS).map(RoutingHints::parseTargetSessionAttrs)
                .orElse(startupAttrs != null ? startupAttrs : ruleAttrs);
    }

    /**
     * Whether the decision needs to know what statements do even when no hint or relation asks the
     * router to parse them: the rule's attrs send reads and writes to different hosts.
     */
    boolean classifiesStatements() {
        return !sessionPooling && readsStatements(ruleAttrs);
    }

    /** Whether what a transaction's first statement does changes what {@code attrs} ask the pool for. */
    private static boolean readsStatements(TargetSessionAttrs attrs) {
        return switch (attrs) {
            case SMART_READ_WRITE, PREFER_STANDBY, ANY -> true;
            case READ_WRITE, PRIMARY, READ_ONLY, STANDBY -> false;
        };
    }

    /**
     * Before a statement that may take a backend: remembers what it does, for the transaction it may
     * begin (the previous one ended unless {@code inTransaction}); inside a transaction placed for
     * reads, refuses a write.
     *
     * @param analysis null when the text was not analysed: then it is taken for a write
     * @return 25006 naming the attrs when the statement writes in a transaction placed for reads, else null
     * @throws PgException 22023 for a comment hint naming no target_session_attrs
     */
    PgException next(String sql, Analysis analysis, boolean inTransaction) {
        if (!inTransaction) {
            endedWrites();
            placed = null;
            placedForReadsBy = null;
            if (!startPending.getAsBoolean()) {
                pendingDeclared = Declared.UNDECLARED;
                pendingHint = null;
            }
        }
        nextAnalysis = analysis;
        if (analysis != null && analysis.isParsed()) {
            pendingDeclared = declaredBy(analysis.statements(), pendingDeclared);
        }
        String hinted = Hints.fromComments(sql).get(COMMENT_HINT);
        if (hinted != null && placed == null) {
            pendingHint = RoutingHints.parseTargetSessionAttrs(hinted); // the transaction's first statement, or its BEGIN
        }
        if (placedForReadsBy == null || DataAccess.of(analysis) != DataAccess.WRITE) {
            return null;
        }
        return new PgException(SqlState.READ_ONLY_SQL_TRANSACTION, "cannot write in a transaction that began with a read"
                + " under target_session_attrs \"" + placedForReadsBy.spelling() + "\": it may be running on a standby")
                .withHint("Start a transaction that writes with BEGIN READ WRITE, with its first write, or with "
                        + "/*__spqr__target_session_attrs: read-write*/ on its first statement.");
    }

    /**
     * The transaction before has ended (its client saw the end, so anything it committed did commit
     * before now): the shards it may have written are noted with this moment.
     */
    private void endedWrites() {
        if (writtenByOpen.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (String shard : writtenByOpen) {
            wroteAt.put(shard, now);
        }
        writtenByOpen.clear();
    }

    /**
     * The attrs to ask {@code pool} for a backend of the open transaction; the first backend taken
     * for a transaction decides them.
     */
    TargetSessionAttrs attrsFor(BackendPool pool) {
        return logged(pool, forTransaction());
    }

    /** The attrs to ask {@code pool} for a backend borrowed for one statement (see {@link #forBorrowed}). */
    TargetSessionAttrs attrsForBorrowed(BackendPool pool) {
        return logged(pool, forBorrowed());
    }

    /**
     * The transaction's attrs, but read-write for a statement that writes: a write over several
     * shards must reach every shard's primary (a standby refusing it on one shard would fail the
     * others' share), whatever the attrs; a read follows them. For a backend borrowed for one
     * statement: a statement over several shards, or a catalog lookup or SET check made for one
     * (see MultiShardStatements.borrow).
     */
    TargetSessionAttrs forBorrowed() {
        TargetSessionAttrs attrs = forTransaction();
        if (attrs == TargetSessionAttrs.READ_WRITE || attrs == TargetSessionAttrs.PRIMARY) {
            return attrs;
        }
        return DataAccess.of(nextAnalysis) == DataAccess.WRITE ? TargetSessionAttrs.READ_WRITE : attrs;
    }

    /** {@code attrs}, decided before, for a backend of {@code pool}, logged at DEBUG; any thread may call it. */
    TargetSessionAttrs logged(BackendPool pool, TargetSessionAttrs attrs) {
        if (log.isDebugEnabled()) {
            log.debug("event=backend_taken client={} shard={} target_session_attrs={}", client, pool.key().shard(), attrs);
        }
        return attrs;
    }

    /** The open transaction's attrs; decided now when it has none yet. */
    TargetSessionAttrs forTransaction() {
        if (placed != null) {
            return placed;
        }
        TargetSessionAttrs configured = pendingHint != null ? pendingHint : sessionAttrs();
        Declared declared = pendingDeclared != Declared.UNDECLARED ? pendingDeclared : declaredByDeferred();
        pendingHint = null;
        pendingDeclared = Declared.UNDECLARED;
        if (sessionPooling) {
            // the backend, so its host, stays the session's, as libpq's connection does: no statement
            // speaks for all that follow, so smart-read-write keeps to the primary
            placed = configured == TargetSessionAttrs.SMART_READ_WRITE ? TargetSessionAttrs.READ_WRITE : configured;
            return placed;
        }
        if (declared == Declared.UNDECLARED && isOn(settings.get("default_transaction_read_only"))) {
            declared = Declared.READ_ONLY;
        }
        placed = decide(configured, declared, readsStatements(configured) ? DataAccess.of(nextAnalysis) : DataAccess.WRITE);
        boolean forReads = placed == TargetSessionAttrs.PREFER_STANDBY || placed == TargetSessionAttrs.ANY;
        // a transaction declared READ ONLY is refused its writes by PostgreSQL on any host alike
        placedForReadsBy = forReads && declared == Declared.UNDECLARED ? configured : null;
        return placed;
    }

    /**
     * What the pool is asked for, from the attrs in force, the transaction's declared access mode
     * and what its first statement does. read-write and primary never leave the primary, whatever
     * the transaction declares: they say which server, as in libpq. read-only and standby never use
     * a primary open for writes; a write there is the client's own and PostgreSQL refuses it.
     * smart-read-write sends a transaction that reads (declared READ ONLY, or begun with a read)
     * to prefer-standby and every other to read-write; prefer-standby and any do the same with
     * themselves: the primary is theirs too, and a write there succeeds where a standby refuses it.
     */
    static TargetSessionAttrs decide(TargetSessionAttrs configured, Declared declared, DataAccess first) {
        boolean reads = declared == Declared.READ_ONLY || (declared == Declared.UNDECLARED && first != DataAccess.WRITE);
        return switch (configured) {
            case READ_WRITE, PRIMARY, READ_ONLY, STANDBY -> configured;
            case SMART_READ_WRITE -> reads ? TargetSessionAttrs.PREFER_STANDBY : TargetSessionAttrs.READ_WRITE;
            case PREFER_STANDBY, ANY -> reads ? configured : TargetSessionAttrs.READ_WRITE;
        };
    }

    /**
     * The access mode after the statements: the last BEGIN, START TRANSACTION or SET TRANSACTION
     * naming one decides, COMMIT and ROLLBACK forget it; {@code declared} when none does either.
     */
    static Declared declaredBy(List<Statement> statements, Declared declared) {
        for (Statement statement : statements) {
            if (statement.kind() == StatementKind.COMMIT || statement.kind() == StatementKind.ROLLBACK
                    || statement.kind() == StatementKind.PREPARE_TRANSACTION) {
                declared = Declared.UNDECLARED;
            }
            boolean setsMode = statement.kind() == StatementKind.BEGIN
                    || (statement.kind() == StatementKind.SET && statement.set() != null
                    && statement.set().kind() == dev.shardgate.sql.SetCommand.Kind.SET_TRANSACTION);
            if (setsMode) {
                declared = modeIn(statement.text(), declared);
            }
        }
        return declared;
    }

    /** The mode of the transaction start the router deferred (BEGIN, SET TRANSACTION, … as the client wrote them). */
    private Declared declaredByDeferred() {
        Declared declared = Declared.UNDECLARED;
        for (String text : deferred) {
            String keyword = TransactionRouter.firstKeyword(text);
            if (keyword.equals("begin") || keyword.equals("start") || SET_TRANSACTION.matcher(text).matches()) {
                declared = modeIn(text, declared);
            }
        }
        return declared;
    }

    private static Declared modeIn(String text, Declared otherwise) {
        Matcher m = ACCESS_MODE.matcher(text);
        Declared found = otherwise;
        while (m.find()) {
            found = m.group(1).equalsIgnoreCase("only") ? Declared.READ_ONLY : Declared.READ_WRITE;
        }
        return found;
    }

    /** A boolean setting's value as PostgreSQL reads it (on, true, yes, 1 and their prefixes). */
    private static boolean isOn(String value) {
        if (value == null) {
            return false;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        return v.equals("on") || v.equals("1") || (!v.isEmpty() && ("true".startsWith(v) || "yes".startsWith(v)));
    }
}
