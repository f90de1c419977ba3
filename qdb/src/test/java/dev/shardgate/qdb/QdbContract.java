package dev.shardgate.qdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.Distribution;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.KeyValue;
import dev.shardgate.meta.Metadata;
import dev.shardgate.meta.MetadataChange;
import dev.shardgate.meta.MetadataException;
import dev.shardgate.meta.Shard;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link Qdb} does; each implementation's test extends this. */
abstract class QdbContract {
    Qdb qdb;

    abstract Qdb newQdb() throws Exception;

    @BeforeEach
    void open() throws Exception {
        qdb = newQdb();
    }

    @AfterEach
    void closeQdb() {
        qdb.close();
    }

    static final List<MetadataChange> SETUP = List.of(
            new MetadataChange.CreateShard(new Shard("sh1", List.of("db1:5432"))),
            new MetadataChange.CreateDistribution(new Distribution("ds1", List.of(ColumnType.INTEGER))),
            new MetadataChange.CreateKeyRange(new KeyRange("kr1", KeyBound.of(KeyValue.integer(0)), "sh1", "ds1")));

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void startsEmptyAtVersionZero() {
        assertThat(qdb.version()).isZero();
        assertThat(qdb.snapshot()).isEqualTo(Metadata.empty());
    }

    @Test
    void appliesBatchesAsOneVersionEach() {
        Metadata result = qdb.apply(SETUP);
        assertThat(qdb.version()).isEqualTo(1);
        assertThat(qdb.snapshot()).isEqualTo(result).isEqualTo(Metadata.empty().apply(SETUP));
        qdb.apply(new MetadataChange.LockKeyRange("kr1"));
        assertThat(qdb.version()).isEqualTo(2);
        assertThat(qdb.snapshot().keyRange("kr1").orElseThrow().locked()).isTrue();
        qdb.apply(List.of());
        assertThat(qdb.version()).isEqualTo(2);
    }

    @Test
    void storesHostsAddedToAndDroppedFromAShard() throws InterruptedException {
        qdb.apply(SETUP);
        BlockingQueue<QdbEvent> events = new LinkedBlockingQueue<>();
        try (Subscription subscription = qdb.watch(events::add)) {
            events.poll(5, TimeUnit.SECONDS); // the current state
            qdb.apply(new MetadataChange.AddShardHosts("sh1", List.of("db1b:5432", "db1c:5432")));
            qdb.apply(new MetadataChange.DropShardHosts("sh1", List.of("db1:5432")));
            assertThat(qdb.snapshot().shard("sh1").orElseThrow().hosts()).containsExactly("db1b:5432", "db1c:5432");
            QdbEvent added = events.poll(5, TimeUnit.SECONDS);
            assertThat(added.changes())
                    .containsExactly(new MetadataChange.AddShardHosts("sh1", List.of("db1b:5432", "db1c:5432")));
            QdbEvent dropped = events.poll(5, TimeUnit.SECONDS);
            assertThat(dropped.snapshot().shard("sh1").orElseThrow().hosts()).containsExactly("db1b:5432", "db1c:5432");
        }
    }

    @Test
    void refusedBatchChangesNothing() {
        qdb.apply(SETUP);
        Metadata before = qdb.snapshot();
        assertThatThrownBy(() -> qdb.apply(List.of(
                new MetadataChange.CreateShard(new Shard("sh2", List.of())),
                new MetadataChange.DropShard("sh1"))))
                .isInstanceOf(MetadataException.class)
                .hasMessage("cannot drop shard \"sh1\" because other objects depend on it: key range \"kr1\"");
        assertThat(qdb.version()).isEqualTo(1);
        assertThat(qdb.snapshot()).isSameAs(before);
    }

    @Test
    void watchersGetTheCurrentStateThenEveryBatchInOrder() throws InterruptedException {
        qdb.apply(SETUP);
        BlockingQueue<QdbEvent> events = new LinkedBlockingQueue<>();
        try (Subscription subscription = qdb.watch(events::add)) {
            for (int i = 0; i < 20; i++) {
                qdb.apply(new MetadataChange.CreateShard(new Shard("extra" + i, List.of())));
            }
            QdbEvent first = events.poll(5, TimeUnit.SECONDS);
            assertThat(first).isNotNull();
            assertThat(first.version()).isEqualTo(1);
            assertThat(first.changes()).isEmpty();
            assertThat(first.snapshot()).isEqualTo(Metadata.empty().apply(SETUP));
            for (int i = 0; i < 20; i++) {
                QdbEvent event = events.poll(5, TimeUnit.SECONDS);
                assertThat(event).isNotNull();
                assertThat(event.version()).isEqualTo(2 + i);
                assertThat(event.changes()).containsExactly(new MetadataChange.CreateShard(new Shard("extra" + i, List.of())));
                assertThat(event.snapshot().shards()).containsKey("extra" + i);
            }
            subscription.close();
            qdb.apply(new MetadataChange.DropShard("extra0"));
            assertThat(events.poll(200, TimeUnit.MILLISECONDS)).isNull();
        }
    }

    @Test
    void concurrentWritersGetDistinctVersionsAndWatchersSeeThemInOrder() throws Exception {
        BlockingQueue<QdbEvent> events = new LinkedBlockingQueue<>();
        try (Subscription ignored = qdb.watch(events::add)) {
            List<Thread> writers = new java.util.ArrayList<>();
            for (int w = 0; w < 4; w++) {
                int writer = w;
                writers.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < 10; i++) {
                        qdb.apply(new MetadataChange.CreateShard(new Shard("w" + writer + "-" + i, List.of())));
                        qdb.put("w" + writer + "/" + i, bytes("x"));
                    }
                }));
            }
            for (Thread writer : writers) {
                writer.join();
            }
            assertThat(qdb.version()).isEqualTo(40);
            assertThat(qdb.snapshot().shards()).hasSize(40);
            assertThat(qdb.scan("w")).hasSize(40);
            for (long expected = 0; expected <= 40; expected++) {
                QdbEvent event = events.poll(5, TimeUnit.SECONDS);
                assertThat(event).isNotNull();
                assertThat(event.version()).isEqualTo(expected);
                assertThat(event.snapshot().shards()).hasSize((int) expected);
            }
        }
    }

    @Test
    void aFailingListenerKeepsItsSubscription() throws InterruptedException {
        BlockingQueue<Long> versions = new LinkedBlockingQueue<>();
        try (Subscription ignored = qdb.watch(event -> {
            versions.add(event.version());
            throw new IllegalStateException("listener bug");
        })) {
            qdb.apply(SETUP);
            assertThat(versions.poll(5, TimeUnit.SECONDS)).isZero();
            assertThat(versions.poll(5, TimeUnit.SECONDS)).isEqualTo(1);
        }
    }

    @Test
    void storesKeysAndValues() {
        assertThat(qdb.get("a")).isEmpty();
        byte[] value = bytes("one");
        qdb.put("a", value);
        value[0] = 'X';
        assertThat(qdb.get("a")).hasValueSatisfying(v -> assertThat(v).isEqualTo(bytes("one")));
        qdb.get("a").orElseThrow()[0] = 'Y';
        assertThat(qdb.get("a").orElseThrow()).isEqualTo(bytes("one"));
        qdb.delete("a");
        qdb.delete("a");
        assertThat(qdb.get("a")).isEmpty();
        assertThat(qdb.version()).isZero();
    }

    @Test
    void comparesAndSets() {
        assertThat(qdb.compareAndSet("k", bytes("x"), bytes("1"))).isFalse();
        assertThat(qdb.get("k")).isEmpty();
        assertThat(qdb.compareAndSet("k", null, bytes("1"))).isTrue();
        assertThat(qdb.compareAndSet("k", null, bytes("2"))).isFalse();
        assertThat(qdb.compareAndSet("k", bytes("2"), bytes("3"))).isFalse();
        assertThat(qdb.compareAndSet("k", bytes("1"), bytes("2"))).isTrue();
        assertThat(qdb.get("k").orElseThrow()).isEqualTo(bytes("2"));
        assertThat(qdb.compareAndSet("k", bytes("2"), null)).isTrue();
        assertThat(qdb.get("k")).isEmpty();
    }

    @Test
    void scansByPrefixInKeyOrder() {
        qdb.put("task/2", bytes("b"));
        qdb.put("task/1", bytes("a"));
        qdb.put("task", bytes("root"));
        qdb.put("tasks/1", bytes("other"));
        qdb.put("seq/orders", bytes("5"));
        assertThat(qdb.scan("task/")).containsOnlyKeys("task/1", "task/2");
        assertThat(qdb.scan("task/").firstKey()).isEqualTo("task/1");
        assertThat(qdb.scan("task")).containsOnlyKeys("task", "task/1", "task/2", "tasks/1");
        assertThat(qdb.scan("")).hasSize(5);
        assertThat(qdb.scan("zzz")).isEmpty();
        assertThat(qdb.scan("task/").get("task/2")).isEqualTo(bytes("b"));
    }

    @Test
    void refusesUseAfterClose() {
        qdb.close();
        qdb.close();
        assertThatThrownBy(() -> qdb.snapshot()).isInstanceOf(QdbException.class).hasMessage("qdb is closed");
        assertThatThrownBy(() -> qdb.put("a", bytes("b"))).isInstanceOf(QdbException.class);
    }
}
