package dev.shardgate.coordinator.move;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shardgate.meta.Shard;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;

class ShardDataTest {

    @Test
    void connectsToWhicheverHostIsThePrimary() {
        Shard shard = new Shard("sh1", List.of("standby1:5432", "primary:5433", "[::1]:5434"));
        String url = ShardData.url(shard, "shop db");
        assertThat(url).isEqualTo("jdbc:postgresql://standby1:5432,primary:5433,[::1]:5434/shop%20db?targetServerType=primary");
        // pgjdbc itself reads every host and the primary-only choice out of it
        Properties parsed = Driver.parseURL(url, new Properties());
        assertThat(parsed.getProperty("PGHOST")).isEqualTo("standby1,primary,[::1]");
        assertThat(parsed.getProperty("PGPORT")).isEqualTo("5432,5433,5434");
        assertThat(parsed.getProperty("PGDBNAME")).isEqualTo("shop db");
        assertThat(parsed.getProperty("targetServerType")).isEqualTo("primary");
    }
}
