package dev.shardgate.coordinator.replica;

import dev.shardgate.console.replica.Lsn;
import dev.shardgate.console.replica.Promotion;
import dev.shardgate.console.replica.PromotionJournal;
import dev.shardgate.qdb.Qdb;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Promotions in flight in the QDB's key-value area, as {@code promotions/<shard>} = a YAML
 * mapping: written before pg_promote() is called, deleted once the standby answers as a primary.
 * One left behind means a coordinator stopped half-way (or the promotion failed): the next
 * coordinator to lead reports it. One per shard: a new FAILOVER of the shard replaces it.
 */
public final class PromotionStore implements PromotionJournal {
    static final String KEY_PREFIX = "promotions/";

    private final Qdb qdb;

    public PromotionStore(Qdb qdb) {
        this.qdb = qdb;
    }

    @Override
    public void started(Promotion promotion) {
        qdb.checkWritable();
        qdb.put(KEY_PREFIX + promotion.shard(), encode(promotion));
    }

    @Override
    public void finished(Promotion promotion) {
        qdb.delete(KEY_PREFIX + promotion.shard());
    }

    /** Every recorded promotion, by shard. */
    public List<Promotion> all() {
        return qdb.scan(KEY_PREFIX).values().stream().map(PromotionStore::decode).toList();
    }

    static byte[] encode(Promotion p) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("kind", p.kind());
        map.put("shard", p.shard());
        map.put("host", p.host());
        map.put("lsn", p.lsn().toString());
        map.put("former_primary", p.formerPrimary());
        map.put("started", p.started().toString());
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(options), options)
                .dump(map).getBytes(StandardCharsets.UTF_8);
    }

    static Promotion decode(byte[] bytes) {
        Map<String, Object> m = new Yaml(new SafeConstructor(new LoaderOptions())).load(new String(bytes, StandardCharsets.UTF_8));
        return new Promotion(text(m, "kind"), text(m, "shard"), text(m, "host"), Lsn.parse(text(m, "lsn")),
                text(m, "former_primary"), Instant.parse(text(m, "started")));
    }

    private static String text(Map<String, Object> map, String key) {
        Object value = map.get(key);
        return value == null ? "" : String.valueOf(value);
    }
}
