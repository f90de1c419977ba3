package dev.shardgate.router.cancel;

import java.security.SecureRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The router gives every client its own BackendKeyData (process id and secret). A CancelRequest
 * names them; the registry finds the session, which forwards the cancel to the backend it is using.
 */
public final class CancelRegistry {
    /** What a session does with a cancel request that carried its key. */
    public interface Cancellable {
        int secretKey();

        void cancelRunningQuery();
    }

    private final ConcurrentHashMap<Integer, Cancellable> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger nextProcessId = new AtomicInteger(1_000_000);
    private final SecureRandom random = new SecureRandom();

    public int newProcessId() {
        return nextProcessId.incrementAndGet();
    }

    public int newSecretKey() {
        return random.nextInt();
    }

    public void register(int processId, Cancellable session) {
        sessions.put(processId, session);
    }

    public void unregister(int processId) {
        sessions.remove(processId);
    }

    /** A wrong secret is ignored silently, as PostgreSQL does, so it reveals nothing. */
    public boolean cancel(int processId, int secretKey) {
        Cancellable session = sessions.get(processId);
        if (session == null || session.secretKey() != secretKey) {
            return false;
        }
        session.cancelRunningQuery();
        return true;
    }
}
