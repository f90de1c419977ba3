package dev.shardgate.qdb;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One etcd watch on a store's metadata key, turned into {@link QdbEvent}s in version order on a
 * thread of its own. The watch is resumed by this class, not left to jetcd: after any failure it
 * probes etcd with a read until one succeeds, then watches again from the revision after the last
 * one taken in, so nothing is skipped. When etcd no longer has that revision (compacted, or etcd
 * was restored from an older backup) the current snapshot is published with no changes.
 */
final class MetadataFollower {
    private static final Logger LOG = LoggerFactory.getLogger(MetadataFollower.class);
    private static final long MAX_BACKOFF_MILLIS = 2000;
    /** How long etcd may stay unreachable before the client is replaced (see {@link EtcdCluster#reconnect}). */
    private static final long RECONNECT_AFTER_NANOS = TimeUnit.SECONDS.toNanos(10);

    private sealed interface Signal permits Events, Ended, Stop {
    }

    private record Events(int generation, WatchResponse response) implements Signal {
    }

    /** The watch failed ({@code error}) or its stream ended ({@code error} null). */
    private record Ended(int generation, Throwable error) implements Signal {
    }

    private record Stop() implements Signal {
    }

    private final EtcdQdb store;
    private final EtcdCluster etcd;
    private final ByteSequence key;
    private final String keyText;
    private final LinkedBlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    private final Thread thread;

    // Touched by the follower thread only.
    private long followedRevision;
    private int generation;
    private Watch.Watcher watcher;
    private long resumedAt = System.nanoTime() - TimeUnit.HOURS.toNanos(1);

    /** Follows the key's changes after {@code revision}. */
    MetadataFollower(EtcdQdb store, EtcdCluster etcd, ByteSequence key, long revision) {
        this.store = store;
        this.etcd = etcd;
        this.key = key;
        this.keyText = key.toString(StandardCharsets.UTF_8);
        this.followedRevision = revision;
        this.thread = Thread.ofVirtual().name("qdb-etcd-follower").start(this::run);
    }

    /** Ends the watch and waits (briefly) for the thread; events already published stay published. */
    void stop() {
        signals.add(new Stop());
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            try {
                startWatch();
            } catch (RuntimeException e) {
                if (!resume(e)) {
                    return;
                }
            }
            while (true) {
                switch (signals.take()) {
                    case Stop _ -> {
                        return;
                    }
                    case Events events -> {
                        if (events.generation() == generation) {
                            takeIn(events.response());
                        }
                    }
                    case Ended ended -> {
                        if (ended.generation() == generation && !resume(ended.error())) {
                            return;
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            // Stopped.
        } finally {
            closeWatcher();
        }
    }

    private void takeIn(WatchResponse response) {
        for (WatchEvent event : response.getEvents()) {
            KeyValue kv = event.getKeyValue();
            long revision = kv.getModRevision();
            if (revision <= followedRevision) {
                continue;
            }
            followedRevision = revision;
            switch (event.getEventType()) {
                case PUT -> {
                    try {
                        store.publish(MetadataRecord.parse(keyText, kv.getValue().getBytes()), revision);
                    } catch (QdbException e) {
                        LOG.error("event=qdb_record_unreadable key={} revision={} error=\"{}\"", keyText, revision, e.getMessage());
                    }
                }
                case DELETE -> LOG.error("event=qdb_metadata_deleted key={} revision={} keeping_version={}",
                        keyText, revision, store.version());
                case UNRECOGNIZED -> {
                }
            }
        }
    }

    /** Watches again once etcd answers; false when stopped meanwhile. */
    private boolean resume(Throwable error) throws InterruptedException {
        closeWatcher();
        LOG.warn("event=qdb_watch_lost endpoints={} key={} revision={} error=\"{}\"",
                etcd.endpoints(), keyText, followedRevision, error == null ? "stream ended" : error.getMessage());
        // A watch that fails again right after resuming (etcd answers reads but refuses watches)
        // must not turn this into a busy loop.
        if (System.nanoTime() - resumedAt < TimeUnit.SECONDS.toNanos(1) && !pause(1000)) {
            return false;
        }
        boolean historyLost = error instanceof CompactedException;
        long backoff = 100;
        long connectedAt = System.nanoTime();
        while (true) {
            try {
                EtcdQdb.Read read = store.read(EtcdQdb.Known.EMPTY);
                if (read.clusterRevision() < followedRevision) {
                    LOG.error("event=qdb_history_rewound key={} revision={} etcd_revision={}",
                            keyText, followedRevision, read.clusterRevision());
                    historyLost = true;
                }
                if (historyLost) {
                    EtcdQdb.Known current = read.known();
                    store.publish(new QdbEvent(current.version(), List.of(), current.metadata()), current.revision());
                    followedRevision = read.clusterRevision();
                }
                startWatch();
                resumedAt = System.nanoTime();
                LOG.info("event=qdb_watch_resumed endpoints={} key={} revision={} snapshot_only={}",
                        etcd.endpoints(), keyText, followedRevision, historyLost);
                return true;
            } catch (RuntimeException e) {
                LOG.debug("event=qdb_watch_resume_failed key={} error=\"{}\"", keyText, e.getMessage());
                if (System.nanoTime() - connectedAt > RECONNECT_AFTER_NANOS) {
                    LOG.info("event=qdb_etcd_reconnect endpoints={}", etcd.endpoints());
                    etcd.reconnect();
                    connectedAt = System.nanoTime();
                }
            }
            if (!pause(backoff)) {
                return false;
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
        }
    }

    /** Waits, but wakes for a stop (false); signals of the lost watch are stale and dropped. */
    private boolean pause(long millis) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        for (long left = millis; left > 0; left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())) {
            if (signals.poll(left, TimeUnit.MILLISECONDS) instanceof Stop) {
                return false;
            }
        }
        return true;
    }

    private void startWatch() {
        int current = ++generation;
        WatchOption from = WatchOption.builder().withRevision(followedRevision + 1).build();
        watcher = etcd.watch().watch(key, from, Watch.listener(
                response -> signals.add(new Events(current, response)),
                error -> signals.add(new Ended(current, error)),
                () -> signals.add(new Ended(current, null))));
    }

    private void closeWatcher() {
        if (watcher != null) {
            Watch.Watcher closing = watcher;
            watcher = null;
            // Closing reports the end to the listener; the generation marks that report stale.
            generation++;
            try {
                closing.close();
            } catch (RuntimeException e) {
                LOG.debug("event=qdb_watch_close_failed key={}", keyText, e);
            }
        }
    }
}
