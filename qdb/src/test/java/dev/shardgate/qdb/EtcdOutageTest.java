package dev.shardgate.qdb;

import static dev.shardgate.qdb.QdbContract.SETUP;
import static dev.shardgate.qdb.QdbContract.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.Shard;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** etcd going away, for everyone (killed) or for one store (partitioned), and coming back. */
class EtcdOutageTest {
    static final Duration TIMEOUT = Duration.ofSeconds(1);
    static final String PREFIX = "/outage";

    LocalEtcd etcd;
    final List<AutoCloseable> resources = new ArrayList<>();

    @BeforeEach
    void startEtcd() {
        etcd = LocalEtcd.start();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable resource : resources.reversed()) {
            resource.close();
        }
        etcd.close();
    }

    EtcdQdb open(List<String> endpoints) {
        EtcdQdb store = EtcdQdb.open(endpoints, PREFIX, TIMEOUT);
        resources.add(store);
        return store;
    }

    static MetadataChange.CreateShard shard(String id) {
        return new MetadataChange.CreateShard(new Shard(id, List.of()));
    }

    static QdbEvent next(BlockingQueue<QdbEvent> events, long version, Duration within) throws InterruptedException {
        QdbEvent event = events.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(event).as("event for version %d within %s", version, within).isNotNull();
        assertThat(event.version()).isEqualTo(version);
        return event;
    }

    @Test
    void whileEtcdIsDownWritesFailQuicklyAndTheSnapshotStillAnswers() throws InterruptedException {
        EtcdQdb store = open(etcd.endpoints());
        Metadata before = store.apply(SETUP);
        store.put("k", bytes("v"));
        etcd.kill();

        long start = System.nanoTime();
        assertThatThrownBy(() -> store.apply(shard("sh2")))
                .isInstanceOf(QdbException.class)
                .hasMessageStartingWith("could not read metadata at etcd " + etcd.endpoint() + ": ")
                .satisfies(e -> assertThat(((QdbException) e).sqlState()).isEqualTo("58030"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThatThrownBy(() -> store.get("k")).isInstanceOf(QdbException.class)
                .hasMessageStartingWith("could not read key k at etcd " + etcd.endpoint());
        assertThatThrownBy(() -> store.put("k", bytes("w"))).isInstanceOf(QdbException.class);

        assertThat(store.snapshot()).isEqualTo(before);
        assertThat(store.version()).isEqualTo(1);
        BlockingQueue<QdbEvent> events = new LinkedBlockingQueue<>();
        store.watch(events::add);
        assertThat(next(events, 1, Duration.ofSeconds(1)).snapshot()).isEqualTo(before);

        start = System.nanoTime();
        assertThatThrownBy(() -> EtcdQdb.open(etcd.endpoints(), "/other", TIMEOUT))
                .isInstanceOf(QdbException.class)
                .hasMessageStartingWith("could not read metadata at etcd " + etcd.endpoint());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aWatcherResumesAfterEtcdRestarts() throws InterruptedException {
        EtcdQdb writer = open(etcd.endpoints());
        EtcdQdb router = open(etcd.endpoints());
        BlockingQueue<QdbEvent> events = new LinkedBlockingQueue<>();
        router.watch(events::add);
        next(events, 0, Duration.ofSeconds(1));
        writer.apply(SETUP);
        next(events, 1, Duration.ofSeconds(1));

        etcd.kill();
        Thread.sleep(1500);
        assertThat(router.snapshot()).isEqualTo(Metadata.empty().apply(SETUP));
        etcd.restart();

        applyOnceReachable(writer, shard("after"));
        QdbEvent event = next(events, 2, Duration.ofSeconds(10));
        assertThat(event.changes()).containsExactly(shard("after"));
        assertThat(router.snapshot().shards()).containsKey("after");
        assertThat(router.version()).isEqualTo(2);
    }

    @Test
    void aPartitionedWatcherCatchesUpWithEveryChangeItMissed() throws InterruptedException {
        CuttableLink link = CuttableLink.to(etcd.clientPort());
        resources.add(link);
        EtcdQdb writer = open(etcd.endpoints());
        EtcdQdb router = open(link.endpoints());
        BlockingQueue<QdbEvent> events = new LinkedBlockingQueue<>();
        router.watch(events::add);
        next(events, 0, Duration.ofSeconds(1));
        writer.apply(SETUP);
        next(events, 1, Duration.ofSeconds(1));

        link.cut();
        writer.apply(shard("x"));
        writer.apply(shard("y"));
        assertThat(events.poll(500, TimeUnit.MILLISECONDS)).isNull();
        assertThat(router.version()).isEqualTo(1);
        assertThatThrownBy(() -> router.apply(shard("z"))).isInstanceOf(QdbException.class);
        link.mend();

        assertThat(next(events, 2, Duration.ofSeconds(10)).changes()).containsExactly(shard("x"));
        assertThat(next(events, 3, Duration.ofSeconds(1)).changes()).containsExactly(shard("y"));
        assertThat(router.snapshot()).isEqualTo(writer.snapshot());
    }

    @Test
    void aPartitionedWatcherWhoseHistoryWasCompactedGetsTheSnapshot() throws Exception {
        CuttableLink link = CuttableLink.to(etcd.clientPort());
        resources.add(link);
        EtcdQdb writer = open(etcd.endpoints());
        EtcdQdb router = open(link.endpoints());
        BlockingQueue<QdbEvent> events = new LinkedBlockingQueue<>();
        router.watch(events::add);
        next(events, 0, Duration.ofSeconds(1));

        link.cut();
        writer.apply(SETUP);
        writer.apply(shard("x"));
        try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
            long revision = client.getKVClient().get(ByteSequence.from(PREFIX + "/version", java.nio.charset.StandardCharsets.UTF_8))
                    .get(5, TimeUnit.SECONDS).getHeader().getRevision();
            client.getKVClient().compact(revision).get(5, TimeUnit.SECONDS);
        }
        link.mend();

        QdbEvent event = next(events, 2, Duration.ofSeconds(10));
        assertThat(event.changes()).as("the changes are gone with the history").isEmpty();
        assertThat(event.snapshot()).isEqualTo(writer.snapshot());
        writer.apply(shard("y"));
        assertThat(next(events, 3, Duration.ofSeconds(1)).changes()).containsExactly(shard("y"));
    }

    /** A client reconnects on its own schedule after an outage; keep trying for a while. */
    static void applyOnceReachable(EtcdQdb store, MetadataChange change) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (true) {
            try {
                store.apply(change);
                return;
            } catch (QdbException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
