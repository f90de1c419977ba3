package dev.shardgate.coordinator.move;

import dev.shardgate.qdb.Qdb;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * The current or last rebalance in the QDB's key-value area, as {@code rebalance} = a YAML
 * mapping, so that the active coordinator resumes a running one where it stopped.
 */
final class RebalanceStore {
    static final String KEY = "rebalance";

    private final Qdb qdb;

    RebalanceStore(Qdb qdb) {
        this.qdb = qdb;
    }

    /** The stored bytes, for {@link #replace}. */
    Optional<byte[]> raw() {
        return qdb.get(KEY);
    }

    Optional<RebalancePlan> get() {
        return raw().map(RebalanceStore::decode);
    }

    /** Stores the plan if the stored bytes are still {@code expected} (null: absent). */
    boolean replace(byte[] expected, RebalancePlan plan) {
        return qdb.compareAndSet(KEY, expected, encode(plan));
    }

    void save(RebalancePlan plan) {
        qdb.put(KEY, encode(plan));
    }

    static byte[] encode(RebalancePlan plan) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("distribution", plan.distributionId());
        map.put("by_bytes", plan.byBytes());
        map.put("threshold_percent", plan.thresholdPercent());
        map.put("state", plan.state().name());
        map.put("error", plan.error());
        map.put("next_step", plan.nextStep());
        List<Map<String, Object>> steps = new ArrayList<>();
        for (RebalanceStep s : plan.steps()) {
            Map<String, Object> step = new LinkedHashMap<>();
            step.put("number", s.number());
            step.put("kind", s.kind().name());
            step.put("key_range", s.keyRangeId());
            step.put("source_range", s.sourceRangeId());
            step.put("lower", s.lower());
            s.upper().ifPresent(upper -> step.put("upper", upper));
            step.put("from", s.fromShard());
            step.put("to", s.toShard());
            step.put("rows", s.rows());
            step.put("bytes", s.bytes());
            s.taskGroupId().ifPresent(id -> step.put("task_group", id));
            steps.add(step);
        }
        map.put("steps", steps);
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(options), options)
                .dump(map).getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    static RebalancePlan decode(byte[] bytes) {
        Map<String, Object> m = new Yaml(new SafeConstructor(new LoaderOptions())).load(new String(bytes, StandardCharsets.UTF_8));
        List<RebalanceStep> steps = new ArrayList<>();
        for (Map<String, Object> s : (List<Map<String, Object>>) m.getOrDefault("steps", List.of())) {
            steps.add(new RebalanceStep(number(s, "number").intValue(), RebalanceStep.Kind.valueOf(text(s, "kind")),
                    text(s, "key_range"), text(s, "source_range"), texts(s.get("lower")),
                    Optional.ofNullable(s.get("upper")).map(RebalanceStore::texts), text(s, "from"), text(s, "to"),
                    number(s, "rows").longValue(), number(s, "bytes").longValue(),
                    Optional.ofNullable(s.get("task_group")).map(String::valueOf)));
        }
        return new RebalancePlan(text(m, "distribution"), Boolean.TRUE.equals(m.get("by_bytes")),
                number(m, "threshold_percent").intValue(), RebalancePlan.State.valueOf(text(m, "state")), text(m, "error"),
                steps, number(m, "next_step").intValue());
    }

    private static List<String> texts(Object list) {
        return list == null ? List.of() : ((List<?>) list).stream().map(String::valueOf).toList();
    }

    private static String text(Map<String, Object> map, String key) {
        Object value = map.get(key);
        return value == null ? "" : String.valueOf(value);
    }

    private static Number number(Map<String, Object> map, String key) {
        return map.get(key) instanceof Number n ? n : 0;
    }
}
