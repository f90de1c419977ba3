package dev.shardgate.qdb;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One leader among processes sharing an etcd store, through a key held under a lease: whoever
 * creates the key leads until its lease runs out. The leader renews the lease every third of its
 * time to live; a leader that dies stops renewing, etcd deletes the key when the lease expires, and
 * a candidate that polls (once a second) takes the key.
 *
 * <p>A leader that cannot renew steps down on its own, before its lease can have run out in etcd,
 * so two processes never both believe they lead (clocks drifting less than a second aside). The key's
 * value is the candidate's description (for the coordinator: its console address), so those not
 * leading can name the leader.
 */
public final class LeaderElection implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);
    private static final long POLL_MILLIS = 1000;

    private final EtcdCluster etcd;
    private final ByteSequence key;
    private final String keyText;
    private final String candidate;
    private final long ttlSeconds;
    private Thread thread;
    private volatile boolean running;
    private volatile boolean leading;
    private volatile String leader = "";
    private Consumer<Boolean> onChange = leading -> { };

    // Touched by the election thread only.
    private long leaseId;
    private long renewedAt;

    LeaderElection(EtcdCluster etcd, String key, String candidate, Duration ttl) {
        if (ttl.toSeconds() < 2) {
            throw new IllegalArgumentException("lease time to live must be at least 2 s, not " + ttl);
        }
        this.etcd = etcd;
        this.key = EtcdCluster.bytes(key);
        this.keyText = key;
        this.candidate = candidate;
        this.ttlSeconds = ttl.toSeconds();
    }

    /**
     * Starts campaigning; {@code onChange} hears true when this process becomes leader and false
     * when it stops leading, on the election's own thread.
     */
    public synchronized void start(Consumer<Boolean> onChange) {
        if (thread != null) {
            throw new IllegalStateException("election already started");
        }
        this.onChange = onChange;
        running = true;
        thread = Thread.ofVirtual().name("leader-election").start(this::run);
    }

    public boolean isLeading() {
        return leading;
    }

    /** The leader's description as last seen in etcd (this candidate's own when leading); empty if none. */
    public String leader() {
        return leader;
    }

    private void run() {
        while (running) {
            try {
                if (leading) {
                    renew();
                } else {
                    campaign();
                }
            } catch (RuntimeException e) {
                LOG.debug("event=election_round_failed key={} error=\"{}\"", keyText, e.getMessage());
            }
            if (leading && System.nanoTime() - renewedAt > TimeUnit.SECONDS.toNanos(ttlSeconds - 1)) {
                // Not renewed in time: etcd may hand the key to someone else any moment now.
                stepDown("lease not renewed for " + (ttlSeconds - 1) + " s");
            }
            sleep(leading ? Math.max(300, ttlSeconds * 1000 / 3) : POLL_MILLIS);
        }
    }

    private void campaign() {
        if (leaseId == 0) {
            leaseId = etcd.await(etcd.lease().grant(ttlSeconds), "grant a lease").getID();
        }
        long granted = System.nanoTime();
        TxnResponse answer = etcd.await(etcd.kv().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(key, EtcdCluster.bytes(candidate), PutOption.builder().withLeaseId(leaseId).build()))
                .Else(Op.get(key, GetOption.DEFAULT))
                .commit(), "campaign for " + keyText);
        if (answer.isSucceeded()) {
            lead(granted, "new");
            return;
        }
        Optional<KeyValue> holder = answer.getGetResponses().stream()
                .flatMap(get -> get.getKvs().stream())
                .findFirst();
        if (holder.isPresent() && holder.get().getLease() == leaseId) {
            // Still ours: this process stepped down while etcd was away, and the lease survived.
            lead(granted, "kept");
            return;
        }
        leader = holder.map(kv -> kv.getValue().toString(StandardCharsets.UTF_8)).orElse("");
        // Our idle lease may have expired meanwhile; keep it alive cheaply or take a new one.
        LeaseKeepAliveResponse alive = etcd.await(etcd.lease().keepAliveOnce(leaseId), "renew a lease");
        if (alive.getTTL() <= 0) {
            leaseId = 0;
        }
    }

    private void lead(long renewed, String lease) {
        renewedAt = renewed;
        leader = candidate;
        leading = true;
        LOG.info("event=leader_elected key={} leader=\"{}\" ttl_s={} lease={}", keyText, candidate, ttlSeconds, lease);
        onChange.accept(true);
    }

    private void renew() {
        long asked = System.nanoTime();
        LeaseKeepAliveResponse alive;
        try {
            alive = etcd.await(etcd.lease().keepAliveOnce(leaseId), "renew the leader lease");
        } catch (RuntimeException e) {
            LOG.warn("event=leader_lease_renew_failed key={} error=\"{}\"", keyText, e.getMessage());
            return;
        }
        if (alive.getTTL() <= 0) {
            leaseId = 0;
            stepDown("lease expired in etcd");
            return;
        }
        renewedAt = asked;
    }

    private void stepDown(String why) {
        if (!leading) {
            return;
        }
        leading = false;
        leader = "";
        LOG.warn("event=leader_stepped_down key={} reason=\"{}\"", keyText, why);
        onChange.accept(false);
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            running = false;
        }
    }

    /** The description of whoever leads now, read from etcd. */
    public Optional<String> currentLeader() {
        return etcd.await(etcd.kv().get(key), "read " + keyText).getKvs().stream()
                .findFirst().map(kv -> kv.getValue().toString(StandardCharsets.UTF_8));
    }

    /** Stops campaigning; a leader gives the key up at once so a standby need not wait for the lease. */
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            this.running = false;
            running = thread;
        }
        if (running != null) {
            running.interrupt();
            try {
                running.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (leading) {
            leading = false;
            try {
                etcd.await(etcd.kv().txn()
                        .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(EtcdCluster.bytes(candidate))))
                        .Then(Op.delete(key, DeleteOption.DEFAULT))
                        .commit(), "resign " + keyText);
                etcd.await(etcd.lease().revoke(leaseId), "revoke the leader lease");
            } catch (RuntimeException e) {
                LOG.warn("event=leader_resign_failed key={} error=\"{}\"", keyText, e.getMessage());
            }
            onChange.accept(false);
        }
    }
}
