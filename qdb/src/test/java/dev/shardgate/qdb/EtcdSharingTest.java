package dev.shardgate.qdb;

import static dev.shardgate.qdb.QdbContract.SETUP;
import static dev.shardgate.qdb.QdbContract.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.KeyValue;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.meta.Shard;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Several stores on one etcd: coordinators and routers sharing, racing, and kept apart by prefix. */
class EtcdSharingTest {
    static LocalEtcd etcd;
    final String prefix = "/sharing/" + UUID.randomUUID();
    final List<EtcdQdb> stores = new ArrayList<>();

    @BeforeAll
    static void startEtcd() {
        etcd = LocalEtcd.start();
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @AfterEach
    void closeStores() {
        stores.forEach(EtcdQdb::close);
    }

    EtcdQdb open(String prefix) {
        EtcdQdb store = EtcdQdb.open(etcd.endpoints(), prefix);
        stores.add(store);
        return store;
    }

    static QdbEvent next(BlockingQueue<QdbEvent> events, long version) throws InterruptedException {
        QdbEvent event = events.poll(1, TimeUnit.SECONDS);
        assertThat(event).as("event for version %d within 1 s", version).isNotNull();
        assertThat(event.version()).isEqualTo(version);
        return event;
    }

    static MetadataChange.CreateShard shard(String id) {
        return new MetadataChange.CreateShard(new Shard(id, List.of()));
    }

    @Test
    void storesOnOnePrefixSeeEachOthersChangesInOrder() throws InterruptedException {
        EtcdQdb a = open(prefix);
        EtcdQdb b = open(prefix);
        BlockingQueue<QdbEvent> seenByA = new LinkedBlockingQueue<>();
        BlockingQueue<QdbEvent> seenByB = new LinkedBlockingQueue<>();
        a.watch(seenByA::add);
        b.watch(seenByB::add);
        next(seenByA, 0);
        next(seenByB, 0);

        a.apply(SETUP);
        assertThat(next(seenByB, 1).changes()).isEqualTo(SETUP);
        assertThat(next(seenByA, 1).changes()).isEqualTo(SETUP);
        for (int i = 0; i < 10; i++) {
            (i % 2 == 0 ? b : a).apply(shard("s" + i));
        }
        for (BlockingQueue<QdbEvent> seen : List.of(seenByA, seenByB)) {
            for (int i = 0; i < 10; i++) {
                QdbEvent event = next(seen, 2 + i);
                assertThat(event.changes()).containsExactly(shard("s" + i));
                assertThat(event.snapshot().shards()).containsKey("s" + i).hasSize(2 + i);
            }
        }
        assertThat(a.snapshot()).isEqualTo(b.snapshot());
        assertThat(b.version()).isEqualTo(11);
    }

    @Test
    void concurrentWritersOnTwoStoresLoseNothing() throws Exception {
        EtcdQdb a = open(prefix);
        EtcdQdb b = open(prefix);
        a.apply(SETUP);
        BlockingQueue<QdbEvent> events = new LinkedBlockingQueue<>();
        open(prefix).watch(events::add);
        next(events, 1);

        List<Thread> writers = new ArrayList<>();
        for (EtcdQdb store : List.of(a, b)) {
            String name = store == a ? "a" : "b";
            long base = store == a ? 1000 : 2000;
            writers.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 20; i++) {
                    store.apply(new MetadataChange.CreateKeyRange(new KeyRange("kr-" + name + i,
                            KeyBound.of(KeyValue.integer(base + i)), "sh1", "ds1")));
                }
            }));
        }
        for (Thread writer : writers) {
            writer.join();
        }

        List<String> created = new ArrayList<>();
        for (long version = 2; version <= 41; version++) {
            QdbEvent event = next(events, version);
            assertThat(event.changes()).hasSize(1);
            created.add(((MetadataChange.CreateKeyRange) event.changes().getFirst()).keyRange().id());
            assertThat(event.snapshot().keyRanges()).hasSize((int) version);
        }
        assertThat(created).hasSize(40).doesNotHaveDuplicates();
        try (EtcdQdb fresh = EtcdQdb.open(etcd.endpoints(), prefix)) {
            assertThat(fresh.version()).isEqualTo(41);
            assertThat(fresh.snapshot().keyRanges()).hasSize(41).containsKeys("kr-a0", "kr-a19", "kr-b0", "kr-b19");
        }
    }

    @Test
    void ofTwoConflictingChangesOneWinsAndTheOtherIsRefused() throws Exception {
        EtcdQdb a = open(prefix);
        EtcdQdb b = open(prefix);
        a.apply(SETUP);
        for (int round = 0; round < 5; round++) {
            MetadataChange change = shard("dup" + round);
            CyclicBarrier start = new CyclicBarrier(2);
            List<AtomicReference<RuntimeException>> failures = List.of(new AtomicReference<>(), new AtomicReference<>());
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                EtcdQdb store = w == 0 ? a : b;
                AtomicReference<RuntimeException> failure = failures.get(w);
                writers.add(Thread.ofVirtual().start(() -> {
                    try {
                        start.await();
                        store.apply(change);
                    } catch (RuntimeException e) {
                        failure.set(e);
                    } catch (Exception e) {
                        failure.set(new IllegalStateException(e));
                    }
                }));
            }
            for (Thread writer : writers) {
                writer.join();
            }
            List<RuntimeException> refused = failures.stream().map(AtomicReference::get).filter(e -> e != null).toList();
            assertThat(refused).as("round %d", round).hasSize(1);
            assertThat(refused.getFirst()).isExactlyInstanceOf(MetadataException.class)
                    .hasMessage("shard \"dup" + round + "\" already exists");
            assertThat(((MetadataException) refused.getFirst()).sqlState()).isEqualTo("42710");
        }
        try (EtcdQdb fresh = EtcdQdb.open(etcd.endpoints(), prefix)) {
            assertThat(fresh.version()).isEqualTo(6);
        }
    }

    @Test
    void prefixesDoNotSeeEachOther() throws InterruptedException {
        EtcdQdb a = open(prefix + "/a");
        EtcdQdb ab = open(prefix + "/ab/");
        BlockingQueue<QdbEvent> seenByAb = new LinkedBlockingQueue<>();
        ab.watch(seenByAb::add);
        next(seenByAb, 0);

        a.apply(SETUP);
        a.put("k", bytes("v"));
        assertThat(seenByAb.poll(300, TimeUnit.MILLISECONDS)).isNull();
        assertThat(ab.version()).isZero();
        assertThat(ab.snapshot()).isEqualTo(Metadata.empty());
        assertThat(ab.get("k")).isEmpty();
        assertThat(ab.scan("")).isEmpty();
        try (EtcdQdb reopened = EtcdQdb.open(etcd.endpoints(), prefix + "/ab")) {
            assertThat(reopened.version()).isZero();
        }
        assertThat(ab.prefix()).isEqualTo(prefix + "/ab");
    }

    @Test
    void keepsTheDocumentedLayout() {
        EtcdQdb store = open(prefix);
        store.apply(SETUP);
        store.apply(new MetadataChange.LockKeyRange("kr1"));
        store.put("task/1", new byte[] {0, (byte) 0xff});
        try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
            assertThat(raw(client, prefix + "/version")).isEqualTo(bytes("2"));
            QdbEvent record = MetadataRecord.parse("k", raw(client, prefix + "/metadata"));
            assertThat(record.version()).isEqualTo(2);
            assertThat(record.changes()).containsExactly(new MetadataChange.LockKeyRange("kr1"));
            assertThat(record.snapshot()).isEqualTo(store.snapshot());
            assertThat(raw(client, prefix + "/kv/task/1")).containsExactly(0, 0xff);
        }
    }

    @Test
    void refusesAPrefixThatNamesNothing() {
        assertThatThrownBy(() -> EtcdQdb.open(etcd.endpoints(), "/"))
                .isInstanceOf(QdbException.class)
                .hasMessage("etcd prefix \"/\" must start with / and name something, like /shardgate");
        assertThatThrownBy(() -> EtcdQdb.open(List.of("no port"), "/x"))
                .isInstanceOf(QdbException.class)
                .hasMessage("invalid etcd endpoint \"no port\": expected http://host:port");
    }

    static byte[] raw(Client client, String key) {
        try {
            return client.getKVClient().get(ByteSequence.from(key, StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS)
                    .getKvs().getFirst().getValue().getBytes();
        } catch (Exception e) {
            throw new IllegalStateException("could not read " + key, e);
        }
    }
}
