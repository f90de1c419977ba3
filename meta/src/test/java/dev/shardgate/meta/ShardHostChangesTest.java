package dev.shardgate.meta;

import static dev.shardgate.meta.MetadataAssertions.assertRefused;
import static dev.shardgate.meta.MetadataAssertions.sample;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.meta.MetadataChange.AddShardHosts;
import dev.shardgate.meta.MetadataChange.DropShardHosts;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardHostChangesTest {
    private final Metadata metadata = sample();

    @Test
    void addsHostsAtTheEndInOrder() {
        Metadata after = metadata.apply(new AddShardHosts("sh1", List.of("db1b:5432", "db1c:5433")));
        assertThat(after.shard("sh1").orElseThrow().hosts()).containsExactly("db1:5432", "db1b:5432", "db1c:5433");
        assertThat(metadata.shard("sh1").orElseThrow().hosts()).containsExactly("db1:5432");
    }

    @Test
    void dropsHostsKeepingTheOthersInOrder() {
        Metadata three = metadata.apply(new AddShardHosts("sh2", List.of("db2c:5432")));
        Metadata after = three.apply(new DropShardHosts("sh2", List.of("[::1]:6432")));
        assertThat(after.shard("sh2").orElseThrow().hosts()).containsExactly("db2:5432", "db2c:5432");
    }

    @Test
    void refusesUnknownShardAndKnownOrUnknownHosts() {
        assertRefused(() -> metadata.apply(new AddShardHosts("sh9", List.of("a:1"))), "42704",
                "shard \"sh9\" does not exist");
        assertRefused(() -> metadata.apply(new DropShardHosts("sh9", List.of("a:1"))), "42704",
                "shard \"sh9\" does not exist");
        assertRefused(() -> metadata.apply(new AddShardHosts("sh1", List.of("db1:5432"))), "42710",
                "host \"db1:5432\" of shard \"sh1\" already exists");
        assertRefused(() -> metadata.apply(new AddShardHosts("sh1", List.of("x:1", "x:1"))), "42710",
                "host \"x:1\" of shard \"sh1\" already exists");
        assertRefused(() -> metadata.apply(new DropShardHosts("sh2", List.of("db9:5432"))), "42704",
                "host \"db9:5432\" of shard \"sh2\" does not exist");
    }

    @Test
    void refusesDroppingTheLastHost() {
        assertRefused(() -> metadata.apply(new DropShardHosts("sh1", List.of("db1:5432"))), "55000",
                "cannot drop the last host of shard \"sh1\": a shard keeps at least one host;"
                        + " add the new host first, or use DROP SHARD");
        assertRefused(() -> metadata.apply(new DropShardHosts("sh2", List.of("db2:5432", "[::1]:6432"))), "55000",
                "cannot drop the last host of shard \"sh2\": a shard keeps at least one host;"
                        + " add the new host first, or use DROP SHARD");
        // In one batch, adding first makes the same drop valid.
        Metadata moved = metadata.apply(List.of(new AddShardHosts("sh1", List.of("db1new:5432")),
                new DropShardHosts("sh1", List.of("db1:5432"))));
        assertThat(moved.shard("sh1").orElseThrow().hosts()).containsExactly("db1new:5432");
    }

    @Test
    void refusesMalformedHosts() {
        assertRefused(() -> new AddShardHosts("sh1", List.of("db1")), "22023",
                "invalid host \"db1\" for shard \"sh1\": expected host:port with a port from 1 to 65535");
        assertRefused(() -> new DropShardHosts("sh1", List.of("db1:0")), "22023",
                "invalid host \"db1:0\" for shard \"sh1\": expected host:port with a port from 1 to 65535");
    }
}
