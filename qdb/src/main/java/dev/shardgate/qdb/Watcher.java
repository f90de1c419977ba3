package dev.shardgate.qdb;

import dev.shardgate.meta.Metadata;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One subscription: a queue drained in order by a virtual thread that calls the listener. */
final class Watcher implements Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(Watcher.class);
    private static final QdbEvent STOP = new QdbEvent(-1, List.of(), Metadata.empty());

    private final LinkedBlockingQueue<QdbEvent> queue = new LinkedBlockingQueue<>();
    private final Consumer<QdbEvent> listener;
    private final Consumer<Watcher> onClose;
    private volatile boolean closed;

    Watcher(Consumer<QdbEvent> listener, Consumer<Watcher> onClose) {
        this.listener = listener;
        this.onClose = onClose;
        Thread.ofVirtual().name("qdb-watch").start(this::run);
    }

    void deliver(QdbEvent event) {
        if (!closed) {
            queue.add(event);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.add(STOP);
        onClose.accept(this);
    }

    private void run() {
        while (true) {
            QdbEvent event;
            try {
                event = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (event == STOP || closed) {
                return;
            }
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("event=qdb_listener_failed version={}", event.version(), e);
            }
        }
    }
}
