package dev.shardgate.coordinator.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shardgate.qdb.tls.GrpcServerTls;
import dev.shardgate.qdb.MemoryQdb;
import dev.shardgate.qdb.QdbException;
import dev.shardgate.qdb.RemoteKeyValues;
import dev.shardgate.qdb.SyncEndpoint;
import dev.shardgate.qdb.sync.Origin;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A router's view of the coordinator's key-value area: {@link RemoteKeyValues} against a real server. */
class KeyValuesServiceTest {
    private MemoryQdb qdb;
    private MetadataFeed feed;
    private CoordinatorApi api;

    @BeforeEach
    void start() throws IOException {
        qdb = new MemoryQdb();
        feed = new MetadataFeed(qdb);
        api = CoordinatorApi.start("127.0.0.1", 0, GrpcServerTls.DISABLED, feed, Origin.getDefaultInstance(), qdb);
    }

    @AfterEach
    void stop() {
        api.close();
        feed.close();
        qdb.close();
    }

    @Test
    void everyOperationReachesTheCoordinatorsQdb() {
        try (RemoteKeyValues remote = new RemoteKeyValues(List.of(new SyncEndpoint("127.0.0.1", api.port())))) {
            assertThat(remote.get("seq/a")).isEmpty();
            remote.put("seq/a", bytes("100"));
            assertThat(new String(qdb.get("seq/a").orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("100");
            assertThat(remote.compareAndSet("seq/a", bytes("99"), bytes("200"))).isFalse();
            assertThat(remote.compareAndSet("seq/a", bytes("100"), bytes("200"))).isTrue();
            assertThat(remote.compareAndSet("seq/b", null, bytes("1"))).as("absent expected").isTrue();
            assertThat(remote.compareAndSet("seq/b", null, bytes("2"))).as("no longer absent").isFalse();
            remote.put("other", bytes("x"));
            assertThat(remote.scan("seq/")).containsOnlyKeys("seq/a", "seq/b");
            assertThat(new String(remote.get("seq/a").orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("200");
            assertThat(remote.compareAndSet("seq/b", bytes("1"), null)).as("a swap to nothing deletes").isTrue();
            remote.delete("seq/a");
            remote.delete("seq/a");
            assertThat(remote.scan("seq/")).isEmpty();
            assertThat(qdb.get("other")).isPresent();
        }
    }

    @Test
    void aDeadCoordinatorIsPassedOverForTheNext() throws IOException {
        SyncEndpoint dead = new SyncEndpoint("127.0.0.1", closedPort());
        try (RemoteKeyValues remote = new RemoteKeyValues(List.of(dead, new SyncEndpoint("127.0.0.1", api.port())))) {
            remote.put("2pc/x", bytes("commit:sh1"));
            assertThat(qdb.get("2pc/x")).isPresent();
        }
    }

    @Test
    void noCoordinatorAnsweringIsAnIoErrorNamingThem() throws IOException {
        SyncEndpoint dead = new SyncEndpoint("127.0.0.1", closedPort());
        try (RemoteKeyValues remote = new RemoteKeyValues(List.of(dead))) {
            QdbException e = catchThrowableOfType(QdbException.class, () -> remote.put("2pc/x", bytes("commit:sh1")));
            assertThat(e.sqlState()).isEqualTo("58030");
            assertThat(e.getMessage()).contains("could not store key 2pc/x in the coordinator's QDB", dead.toString(),
                    "UNAVAILABLE");
        }
    }

    @Test
    void aCoordinatorThatComesBackAnswersAtOnce() throws IOException {
        int port = api.port();
        try (RemoteKeyValues remote = new RemoteKeyValues(List.of(new SyncEndpoint("127.0.0.1", port)))) {
            remote.put("k", bytes("1"));
            api.close();
            catchThrowableOfType(QdbException.class, () -> remote.put("k", bytes("2")));
            catchThrowableOfType(QdbException.class, () -> remote.put("k", bytes("2")));
            api = CoordinatorApi.start("127.0.0.1", port, GrpcServerTls.DISABLED, feed, Origin.getDefaultInstance(), qdb);
            remote.put("k", bytes("3"));
            assertThat(new String(qdb.get("k").orElseThrow(), StandardCharsets.UTF_8)).isEqualTo("3");
        }
    }

    @Test
    void aFailureOfTheCoordinatorsQdbKeepsItsSqlState() {
        try (RemoteKeyValues remote = new RemoteKeyValues(List.of(new SyncEndpoint("127.0.0.1", api.port())))) {
            QdbException e = catchThrowableOfType(QdbException.class, () -> remote.put("", bytes("v")));
            assertThat(e.sqlState()).as(e.getMessage()).isEqualTo("22023");
            assertThat(e.getMessage()).startsWith("could not store key  in the QDB of coordinator 127.0.0.1:");
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
