package dev.shardgate.coordinator.move;

import dev.shardgate.qdb.Qdb;
import java.nio.charset.StandardCharsets;
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
 * Task groups in the QDB's key-value area, as {@code task_groups/<id>} = a YAML mapping, so that
 * another coordinator (or this one, restarted) resumes them where they stopped.
 */
final class TaskGroupStore {
    static final String KEY_PREFIX = "task_groups/";
    private static final String SEQUENCE_KEY = "task_group_last_id";

    private final Qdb qdb;

    TaskGroupStore(Qdb qdb) {
        this.qdb = qdb;
    }

    /** A new id from a sequence in the QDB: {@code tg1}, {@code tg2}, … */
    String nextId() {
        while (true) {
            Optional<byte[]> current = qdb.get(SEQUENCE_KEY);
            long next = current.map(bytes -> Long.parseLong(new String(bytes, StandardCharsets.UTF_8))).orElse(0L) + 1;
            if (qdb.compareAndSet(SEQUENCE_KEY, current.orElse(null), Long.toString(next).getBytes(StandardCharsets.UTF_8))) {
                return "tg" + next;
            }
        }
    }

    /** Stores a new group; false when the id is taken. */
    boolean create(TaskGroup group) {
        return qdb.compareAndSet(KEY_PREFIX + group.id(), null, encode(group));
    }

    void save(TaskGroup group) {
        qdb.put(KEY_PREFIX + group.id(), encode(group));
    }

    /** The stored bytes, for {@link #replace}. */
    Optional<byte[]> raw(String id) {
        return qdb.get(KEY_PREFIX + id);
    }

    /** Stores the group if the stored bytes are still {@code expected} (null: absent). */
    boolean replace(byte[] expected, TaskGroup group) {
        return qdb.compareAndSet(KEY_PREFIX + group.id(), expected, encode(group));
    }

    void remove(String id) {
        qdb.delete(KEY_PREFIX + id);
    }

    Optional<TaskGroup> get(String id) {
        return qdb.get(KEY_PREFIX + id).map(TaskGroupStore::decode);
    }

    /** All groups, by id. */
    List<TaskGroup> all() {
        return qdb.scan(KEY_PREFIX).values().stream().map(TaskGroupStore::decode)
                .sorted(java.util.Comparator.comparing(TaskGroup::id, TaskGroupStore::compareIds)).toList();
    }

    /** tg2 before tg10. */
    private static int compareIds(String a, String b) {
        return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
    }

    static byte[] encode(TaskGroup g) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", g.id());
        map.put("key_range", g.keyRangeId());
        map.put("distribution", g.distributionId());
        map.put("source", g.sourceShard());
        map.put("destination", g.destinationShard());
        map.put("batch_size", g.batchSize());
        map.put("state", g.state().name());
        map.put("error", g.error());
        g.movedId().ifPresent(id -> map.put("moved", id));
        map.put("rest", g.restId());
        map.put("batch", g.batchNumber());
        map.put("step", g.step().label());
        g.batchBound().ifPresent(bound -> map.put("batch_bound", bound));
        g.nextRestId().ifPresent(id -> map.put("next_rest", id));
        map.put("rows_moved", g.rowsMoved());
        map.put("batches_done", g.batchesDone());
        map.put("last_lock_ms", g.lastLockMillis());
        map.put("lock_started_ms", g.lockStartedMillis());
        map.put("batch_rows", g.batchRows());
        map.put("stop_requested", g.stopRequested());
        if (g.batchLockMillis() != 0) {
            map.put("batch_lock_ms", g.batchLockMillis());
        }
        if (g.deleteTransaction() != 0) {
            map.put("delete_transaction", g.deleteTransaction());
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(options), options)
                .dump(map).getBytes(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    static TaskGroup decode(byte[] bytes) {
        Map<String, Object> m = new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(new String(bytes, StandardCharsets.UTF_8));
        return new TaskGroup(text(m, "id"), text(m, "key_range"), text(m, "distribution"), text(m, "source"),
                text(m, "destination"), number(m, "batch_size").intValue(), TaskState.valueOf(text(m, "state")),
                text(m, "error"), Optional.ofNullable(m.get("moved")).map(String::valueOf), text(m, "rest"),
                number(m, "batch").intValue(), MoveStep.ofLabel(text(m, "step")),
                Optional.ofNullable((List<Object>) m.get("batch_bound")).map(l -> l.stream().map(String::valueOf).toList()),
                Optional.ofNullable(m.get("next_rest")).map(String::valueOf), number(m, "rows_moved").longValue(),
                number(m, "batches_done").intValue(), number(m, "last_lock_ms").longValue(),
                number(m, "lock_started_ms").longValue(), number(m, "batch_rows").longValue(), Boolean.TRUE.equals(m.get("stop_requested")),
                number(m, "delete_transaction").longValue(), number(m, "batch_lock_ms").longValue());
    }

    private static String text(Map<String, Object> map, String key) {
        Object value = map.get(key);
        return value == null ? "" : String.valueOf(value);
    }

    private static Number number(Map<String, Object> map, String key) {
        return map.get(key) instanceof Number n ? n : 0;
    }
}
