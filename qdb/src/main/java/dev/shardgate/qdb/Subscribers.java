package dev.shardgate.qdb;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The subscriptions of an etcd store. Each gets the current state first, then only versions above
 * the last it got: the current state may already include versions the watch has yet to deliver
 * (this store's own writes are known before etcd's watch reports them).
 */
final class Subscribers {
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Subscriber> all = new ArrayList<>();

    private static final class Subscriber {
        final Watcher watcher;
        long lastVersion;

        Subscriber(Watcher watcher, long lastVersion) {
            this.watcher = watcher;
            this.lastVersion = lastVersion;
        }
    }

    /** {@code currentState} is read under the lock, so no version published meanwhile is missed. */
    Subscription add(Consumer<QdbEvent> listener, Supplier<QdbEvent> currentState) {
        lock.lock();
        try {
            QdbEvent first = currentState.get();
            Watcher watcher = new Watcher(listener, this::remove);
            watcher.deliver(first);
            all.add(new Subscriber(watcher, first.version()));
            return watcher;
        } finally {
            lock.unlock();
        }
    }

    void deliver(QdbEvent event) {
        lock.lock();
        try {
            for (Subscriber subscriber : all) {
                if (event.version() > subscriber.lastVersion) {
                    subscriber.watcher.deliver(event);
                    subscriber.lastVersion = event.version();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    void closeAll() {
        List<Subscriber> copy;
        lock.lock();
        try {
            copy = new ArrayList<>(all);
        } finally {
            lock.unlock();
        }
        copy.forEach(subscriber -> subscriber.watcher.close());
    }

    private void remove(Watcher watcher) {
        lock.lock();
        try {
            all.removeIf(subscriber -> subscriber.watcher == watcher);
        } finally {
            lock.unlock();
        }
    }
}
