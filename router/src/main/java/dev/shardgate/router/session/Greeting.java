package dev.shardgate.router.session;

import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.config.PoolMode;
import dev.shardgate.router.config.TargetSessionAttrs;
import dev.shardgate.router.pool.BackendPool;
import dev.shardgate.wire.AuthenticationOk;
import dev.shardgate.wire.BackendKeyData;
import dev.shardgate.wire.ParameterStatus;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.ReadyForQuery;
import dev.shardgate.wire.SqlState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * What a client sees once authenticated: AuthenticationOk, the server's parameters as a real shard
 * reports them, BackendKeyData and ReadyForQuery. The first login with a given set of client
 * settings takes a backend (which also proves the shard and the backend credentials work); in
 * transaction pooling, later logins with the same settings are answered from what that backend
 * reported, without one. One shard down or hung never stops a login while another shard answers.
 */
final class Greeting {
    private static final Logger log = LoggerFactory.getLogger(Greeting.class);
    /** A shard whose last connect failed within this is tried last by a login. */
    private static final Duration UNREACHABLE_WINDOW = Duration.ofSeconds(30);

    private final ClientSession session;
    /** Transaction pooling: the login's backend goes back at once, so any live host of a shard will do. */
    private final boolean pooled;

    private Greeting(ClientSession session) {
        this.session = session;
        this.pooled = session.rule.poolMode() == PoolMode.TRANSACTION;
    }

    static void send(ClientSession session) throws IOException {
        new Greeting(session).send();
    }

    private void send() throws IOException {
        session.out.write(AuthenticationOk.INSTANCE);
        Map<String, String> asked = session.settings.snapshot();
        if (!(pooled && fromEarlierLogin(asked))) {
            fromABackend(pooled, asked);
        }
        session.out.write(new BackendKeyData(session.processId(), session.secretKey()));
        session.out.write(new ReadyForQuery((byte) 'I'));
        session.out.flush();
    }

    /** An earlier login with these settings showed what a backend of some shard reports: no backend needed. */
    private boolean fromEarlierLogin(Map<String, String> asked) throws IOException {
        for (String shard : session.context().shardsFirstToLast()) {
            BackendPool pool = session.poolFor(shard);
            Map<String, String> known = pool.greeting(asked);
            Map<String, String> defaults = pool.serverDefaults();
            if (known != null && defaults != null) {
                session.settings.learnServerDefaults(defaults);
                writeParameters(known);
                return true;
            }
        }
        return false;
    }

    /**
     * Takes a backend of the first shard that answers, so that one shard down does not stop every
     * login: the client's transactions may well need only the others. Shards known to answer are
     * tried first, one after another; when none is known yet (a router just started) the shards are
     * asked all at once and the first to answer wins, so a hung shard costs nothing. Fails with the
     * error of the first shard (in the configured order) when none answers.
     */
    private void fromABackend(boolean pooled, Map<String, String> asked) throws IOException {
        List<String> shards = new ArrayList<>(session.context().shardsFirstToLast());
        // known to answer first, just failed to connect last (the stable sort keeps the configured order otherwise)
        shards.sort(Comparator.comparingInt(this::rank));
        BackendLink first = rank(shards.getFirst()) == 0 || shards.size() == 1 ? oneAfterAnother(shards) : allAtOnce(shards);
        session.settings.learnServerDefaults(first.backend.serverDefaults());
        writeParameters(first.backend.reported());
        if (pooled) {
            first.pool.rememberGreeting(asked, first.backend.reported());
            session.forgetLink(first);
            Relay.release(session, first);
        }
    }

    private int rank(String shard) {
        BackendPool pool = session.poolFor(shard);
        return pool.recentlyUnreachable(UNREACHABLE_WINDOW) ? 2 : pool.serverDefaults() != null ? 0 : 1;
    }

    private BackendLink oneAfterAnother(List<String> shards) throws IOException {
        PgException firstFailure = null;
        for (String shard : shards) {
            BackendPool pool = session.poolFor(shard);
            try {
                return session.attach(pool, acquire(pool, session.hostIntent.forTransaction()));
            } catch (PgException e) {
                firstFailure = unreachable(shard, e, firstFailure);
            }
        }
        throw firstFailure;
    }

    /** A shard's answer to a login that asked every shard at once: a backend, or why there is none. */
    private record Answer(String shard, BackendConnection backend, PgException failure) {
    }

    /** One backend asked of every shard at once: the first to answer serves, the others go back to their pools. */
    private BackendLink allAtOnce(List<String> shards) throws IOException {
        BlockingQueue<Answer> answers = new ArrayBlockingQueue<>(shards.size());
        TargetSessionAttrs attrs = session.hostIntent.forTransaction(); // decided here: the askers run on threads of their own
        for (String shard : shards) {
            BackendPool pool = session.poolFor(shard);
            Thread.startVirtualThread(() -> answers.add(ask(shard, pool, attrs)));
        }
        PgException[] failures = new PgException[shards.size()];
        for (int left = shards.size(); left > 0; left--) {
            Answer answer;
            try {
                answer = answers.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                giveBackLater(answers, left);
                throw new IOException("interrupted while logging in", e);
            }
            if (answer.backend() != null) {
                giveBackLater(answers, left - 1);
                return session.attach(session.poolFor(answer.shard()), answer.backend());
            }
            try {
                unreachable(answer.shard(), answer.failure(), null);
            } catch (PgException notAboutTheShard) {
                giveBackLater(answers, left - 1);
                throw notAboutTheShard;
            }
            failures[shards.indexOf(answer.shard())] = answer.failure();
        }
        throw failures[0];
    }

    private Answer ask(String shard, BackendPool pool, TargetSessionAttrs attrs) {
        try {
            return new Answer(shard, acquire(pool, attrs), null);
        } catch (PgException e) {
            return new Answer(shard, null, e);
        } catch (IOException | RuntimeException e) {
            return new Answer(shard, null, new PgException(SqlState.CONNECTION_FAILURE,
                    "could not connect to shard \"" + shard + "\": " + e.getMessage()));
        }
    }

    /**
     * A backend for the login: in transaction pooling one of any live host (roles, lag and two
     * primaries do not matter for the server's parameters), else one the session's transactions may use.
     */
    private BackendConnection acquire(BackendPool pool, TargetSessionAttrs attrs) throws IOException {
        return pooled ? pool.acquireAnyHost(session::cancelRequested)
                : pool.acquire(session.hostIntent.logged(pool, attrs), session::cancelRequested);
    }

    /** Backends that answer after the login is decided are idle and fresh: back to their pools. */
    private void giveBackLater(BlockingQueue<Answer> answers, int count) {
        if (count <= 0) {
            return;
        }
        Thread.startVirtualThread(() -> {
            for (int i = 0; i < count; i++) {
                try {
                    Answer late = answers.take();
                    if (late.backend() != null) {
                        session.poolFor(late.shard()).release(late.backend());
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Records a shard a login could not reach; an error that is not about reaching it fails the login at once. */
    private PgException unreachable(String shard, PgException e, PgException firstFailure) {
        if (!e.sqlState().code().startsWith("08")) {
            throw e;
        }
        log.warn("event=login_shard_unreachable client={} shard={} error=\"{}\"", session.processId(), shard, e.getMessage());
        return firstFailure == null ? e : firstFailure;
    }

    private void writeParameters(Map<String, String> reported) throws IOException {
        for (Map.Entry<String, String> parameter : reported.entrySet()) {
            session.out.write(new ParameterStatus(parameter.getKey(), parameter.getValue()));
        }
    }
}
