package dev.shardgate.qdb;

import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.qdb.tls.EtcdTls;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A store in etcd, shared by every coordinator and router that opens the same prefix. Layout:
 *
 * <pre>
 * &lt;prefix&gt;/metadata   the current version: its number, the batch of changes that produced it and
 *                     the whole snapshot, as one {@link MetadataRecord}; absent means version 0, empty
 * &lt;prefix&gt;/version    the current version's number in decimal, for operators (etcdctl get)
 * &lt;prefix&gt;/kv/&lt;key&gt;   the key-value area, one etcd key per entry, values as given
 * </pre>
 *
 * <p>Writing a version is one etcd transaction: if the metadata key's mod revision is still the
 * one the snapshot was read at, put the record and the version number. A writer that loses the
 * race (another coordinator or console session stored a version in between) validates its batch
 * again against the newer snapshot and retries, so concurrent writers end in some serial order
 * with nothing lost, and a batch that no longer validates fails with its {@link
 * MetadataException}. One record per version means a reader gets a consistent snapshot in one
 * read and a batch is never half-written.
 *
 * <p>etcd's own history of the metadata key is the change log: each version is one revision of
 * it, so a watch from a revision delivers every version since, with its changes. {@link #watch}
 * subscribers are fed by one etcd watch per store that resumes from the last revision it saw
 * after etcd was unreachable. Only when etcd has compacted that history away does a subscriber
 * get the current snapshot with an empty change list, its version more than one above the last.
 *
 * <p>{@link #snapshot()} and {@link #version()} answer from memory: the newest version this store
 * has written, read or been told of by its watch, so they keep answering while etcd is
 * unreachable (routers keep routing) and see other writers' versions within the watch's delay.
 * {@link #apply} and the key-value calls go to etcd and fail with {@link QdbException} (58030)
 * naming the endpoints when it does not answer within the timeout. A write that timed out may
 * still have been stored; the watch tells.
 *
 * <p>Stores on one etcd are kept apart by their prefixes, which must not nest ({@code /a} and
 * {@code /a/kv/b} would share keys). The record must fit etcd's request limit (1.5 MiB by
 * default): some ten thousand key ranges.
 */
public final class EtcdQdb implements Qdb {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
    /** Each lost race means another writer progressed; this many in a row means something is wrong. */
    private static final int APPLY_ATTEMPTS = 30;

    private final EtcdCluster etcd;
    private final String prefix;
    private final ByteSequence metadataKey;
    private final ByteSequence versionKey;
    private final String kvPrefix;
    private final ReentrantLock applyLock = new ReentrantLock();
    private final AtomicReference<Known> known;
    private final Subscribers subscribers = new Subscribers();
    private final MetadataFollower follower;
    private volatile boolean closed;

    /** A version, the mod revision of the metadata key that holds it (0 for none), its snapshot. */
    record Known(long version, long revision, Metadata metadata) {
        static final Known EMPTY = new Known(0, 0, Metadata.empty());
    }

    /** What a read of the metadata key found, and the cluster's revision at the read. */
    record Read(Known known, long clusterRevision) {
    }

    private EtcdQdb(EtcdCluster etcd, String prefix) {
        this.etcd = etcd;
        this.prefix = prefix;
        this.metadataKey = EtcdCluster.bytes(prefix + "/metadata");
        this.versionKey = EtcdCluster.bytes(prefix + "/version");
        this.kvPrefix = prefix + "/kv/";
        Read first = read(Known.EMPTY);
        this.known = new AtomicReference<>(first.known());
        this.follower = new MetadataFollower(this, etcd, metadataKey, first.clusterRevision());
    }

    public static EtcdQdb open(List<String> endpoints, String prefix) {
        return open(endpoints, prefix, DEFAULT_TIMEOUT);
    }

    /**
     * Connects and reads the current version; unlike later reads, this one must succeed, since a
     * store without any snapshot has nothing to answer with.
     *
     * @param prefix where the store's keys live, e.g. {@code /shardgate}; a trailing slash is dropped
     * @param timeout how long each request to etcd may take
     * @throws QdbException when etcd does not answer in time, or holds a record this version cannot read
     */
    public static EtcdQdb open(List<String> endpoints, String prefix, Duration timeout) {
        return open(endpoints, prefix, timeout, EtcdTls.DISABLED);
    }

    /**
     * As {@link #open(List, String, Duration)}, over TLS when {@code tls} is enabled.
     *
     * @throws dev.shardgate.qdb.tls.TlsConfigException when a certificate or key file cannot be used
     */
    public static EtcdQdb open(List<String> endpoints, String prefix, Duration timeout, EtcdTls tls) {
        String normalized = normalizePrefix(prefix);
        EtcdCluster etcd = EtcdCluster.connect(endpoints, timeout, tls);
        try {
            return new EtcdQdb(etcd, normalized);
        } catch (RuntimeException e) {
            etcd.close();
            throw e;
        }
    }

    private static String normalizePrefix(String prefix) {
        String trimmed = prefix == null ? "" : prefix.replaceAll("/+$", "");
        if (!trimmed.startsWith("/")) {
            throw new QdbException(MetadataException.INVALID_PARAMETER_VALUE,
                    "etcd prefix \"" + prefix + "\" must start with / and name something, like /shardgate", null);
        }
        return trimmed;
    }

    public String prefix() {
        return prefix;
    }

    @Override
    public Metadata snapshot() {
        return openKnown().metadata();
    }

    @Override
    public long version() {
        return openKnown().version();
    }

    @Override
    public Metadata apply(List<? extends MetadataChange> changes) {
        List<MetadataChange> batch = List.copyOf(changes);
        // Writers of this store take turns, so they never race each other in etcd.
        applyLock.lock();
        try {
            if (batch.isEmpty()) {
                return openKnown().metadata();
            }
            Known current = read(openKnown()).known();
            learn(current);
            for (int attempt = 1; ; attempt++) {
                Metadata next = current.metadata().apply(batch);
                long version = current.version() + 1;
                TxnResponse answer = store(current, version, batch, next);
                if (answer.isSucceeded()) {
                    Known stored = new Known(version, answer.getHeader().getRevision(), next);
                    learn(stored);
                    return next;
                }
                current = decode(answer.getGetResponses().getFirst(), current);
                learn(current);
                if (attempt == APPLY_ATTEMPTS) {
                    throw new QdbException(QdbException.SERIALIZATION_FAILURE, "could not store metadata at etcd "
                            + etcd.endpoints() + ": other writers changed it " + attempt + " times in a row", null);
                }
                // Let the writer that won this round finish before the next.
                sleep(ThreadLocalRandom.current().nextInt(1, 5 * attempt));
            }
        } finally {
            applyLock.unlock();
        }
    }

    /** Stores the version if the metadata key is still at {@code current}'s revision. */
    private TxnResponse store(Known current, long version, List<MetadataChange> batch, Metadata next) {
        try {
            return etcd.await(etcd.kv().txn()
                    .If(new Cmp(metadataKey, Cmp.Op.EQUAL, CmpTarget.modRevision(current.revision())))
                    .Then(Op.put(metadataKey, ByteSequence.from(MetadataRecord.format(version, batch, next)), PutOption.DEFAULT),
                            Op.put(versionKey, EtcdCluster.bytes(Long.toString(version)), PutOption.DEFAULT))
                    .Else(Op.get(metadataKey, GetOption.DEFAULT))
                    .commit(), "store metadata version " + version);
        } catch (QdbException e) {
            // etcd may have committed a transaction whose answer was lost.
            throw new QdbException(e.sqlState(), e.getMessage() + " (the version may have been stored all the same;"
                    + " the store's watch tells)", e.getCause());
        }
    }

    @Override
    public Subscription watch(Consumer<QdbEvent> listener) {
        return subscribers.add(listener, () -> {
            Known current = openKnown();
            return new QdbEvent(current.version(), List.of(), current.metadata());
        });
    }

    /**
     * An election among the processes sharing this store (key {@code <prefix>/leader/<name>}):
     * see {@link LeaderElection}. Nothing happens until it is started.
     */
    public LeaderElection election(String name, String candidate, Duration ttl) {
        openKnown();
        return new LeaderElection(etcd, prefix + "/leader/" + name, candidate, ttl);
    }

    @Override
    public Optional<byte[]> get(String key) {
        openKnown();
        GetResponse answer = etcd.await(etcd.kv().get(kvKey(key)), "read key " + key);
        return answer.getKvs().stream().findFirst().map(kv -> kv.getValue().getBytes());
    }

    @Override
    public void put(String key, byte[] value) {
        if (value == null) {
            throw new MetadataException(MetadataException.INVALID_PARAMETER_VALUE,
                    "value for key " + requireKey(key) + " must not be null");
        }
        openKnown();
        etcd.await(etcd.kv().put(kvKey(key), ByteSequence.from(value)), "store key " + key);
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] value) {
        openKnown();
        ByteSequence etcdKey = kvKey(key);
        Cmp condition = expected == null
                ? new Cmp(etcdKey, Cmp.Op.EQUAL, CmpTarget.version(0))
                : new Cmp(etcdKey, Cmp.Op.EQUAL, CmpTarget.value(ByteSequence.from(expected)));
        Op swap = value == null
                ? Op.delete(etcdKey, DeleteOption.DEFAULT)
                : Op.put(etcdKey, ByteSequence.from(value), PutOption.DEFAULT);
        return etcd.await(etcd.kv().txn().If(condition).Then(swap).commit(), "compare and set key " + key).isSucceeded();
    }

    @Override
    public void delete(String key) {
        openKnown();
        etcd.await(etcd.kv().delete(kvKey(key)), "delete key " + key);
    }

    @Override
    public SortedMap<String, byte[]> scan(String prefix) {
        openKnown();
        ByteSequence start = EtcdCluster.bytes(kvPrefix + prefix);
        GetResponse answer = etcd.await(etcd.kv().get(start, GetOption.builder().isPrefix(true).build()),
                "scan keys starting with " + prefix);
        SortedMap<String, byte[]> found = new TreeMap<>();
        for (KeyValue kv : answer.getKvs()) {
            String key = kv.getKey().toString(StandardCharsets.UTF_8).substring(kvPrefix.length());
            found.put(key, kv.getValue().getBytes());
        }
        return Collections.unmodifiableSortedMap(found);
    }

    @Override
    public void close() {
        applyLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            applyLock.unlock();
        }
        follower.stop();
        subscribers.closeAll();
        etcd.close();
    }

    /** Reads the metadata key; {@code newest} saves decoding a record already known. */
    Read read(Known newest) {
        GetResponse answer = etcd.await(etcd.kv().get(metadataKey), "read metadata");
        return new Read(decode(answer, newest), answer.getHeader().getRevision());
    }

    /** Takes a newer version as the current one; older ones (a late watch event) change nothing. */
    void learn(Known version) {
        known.accumulateAndGet(version, (old, candidate) -> candidate.version() > old.version() ? candidate : old);
    }

    /** Called by the follower, in version order. */
    void publish(QdbEvent event, long revision) {
        learn(new Known(event.version(), revision, event.snapshot()));
        subscribers.deliver(event);
    }

    private Known decode(GetResponse answer, Known newest) {
        if (answer.getKvs().isEmpty()) {
            return Known.EMPTY;
        }
        KeyValue kv = answer.getKvs().getFirst();
        if (kv.getModRevision() == newest.revision()) {
            return newest;
        }
        QdbEvent record = MetadataRecord.parse(metadataKey.toString(StandardCharsets.UTF_8), kv.getValue().getBytes());
        return new Known(record.version(), kv.getModRevision(), record.snapshot());
    }

    private Known openKnown() {
        if (closed) {
            throw QdbException.closed();
        }
        return known.get();
    }

    private ByteSequence kvKey(String key) {
        return EtcdCluster.bytes(kvPrefix + requireKey(key));
    }

    private static String requireKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new MetadataException(MetadataException.INVALID_PARAMETER_VALUE, "qdb key must not be empty");
        }
        return key;
    }

    private static void sleep(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QdbException(MetadataException.IO_ERROR, "interrupted while storing metadata", e);
        }
    }
}
