package dev.shardgate.coordinator.fleet;

import dev.shardgate.qdb.Qdb;
import dev.shardgate.qdb.QdbEvent;
import dev.shardgate.qdb.Subscription;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The coordinator's QDB as its routers are fed from it: the latest snapshot with its version, and
 * the recent batches of changes, so that a router a few versions behind gets the batches it missed
 * rather than a whole snapshot. Links wait here for the next version.
 */
public final class MetadataFeed implements AutoCloseable {
    /** Batches kept for routers that fell behind; further behind, they get a snapshot. */
    static final int HISTORY = 1024;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<QdbEvent> history = new ArrayDeque<>();
    private final Subscription subscription;
    private QdbEvent latest;

    public MetadataFeed(Qdb qdb) {
        this.subscription = qdb.watch(this::take);
    }

    private void take(QdbEvent event) {
        lock.lock();
        try {
            if (event.changes().isEmpty()) {
                // A whole state (the first, or the store's after lost history): older batches do not lead to it.
                history.clear();
            } else {
                history.addLast(event);
                if (history.size() > HISTORY) {
                    history.removeFirst();
                }
            }
            latest = event;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The current state; the watch delivers the first one before {@link Qdb#watch} returns. */
    public QdbEvent latest() {
        lock.lock();
        try {
            return latest;
        } finally {
            lock.unlock();
        }
    }

    /** The batches after {@code version} up to the latest, in order, if all are still kept. */
    Optional<List<QdbEvent>> since(long version) {
        lock.lock();
        try {
            List<QdbEvent> batches = new ArrayList<>();
            for (QdbEvent event : history) {
                if (event.version() > version) {
                    batches.add(event);
                }
            }
            boolean complete = batches.isEmpty()
                    ? version == latest.version()
                    : batches.getFirst().version() == version + 1 && batches.getLast().version() == latest.version();
            return complete ? Optional.of(batches) : Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the latest version differs from {@code version}, at most {@code millis}. */
    void awaitChange(long version, long millis) throws InterruptedException {
        lock.lock();
        try {
            long left = TimeUnit.MILLISECONDS.toNanos(millis);
            while (latest.version() == version && left > 0) {
                left = changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
