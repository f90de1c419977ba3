package dev.shardgate.it.differential;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Makes statements from a seed: the same seed and features give the same statements. Each feature
 * picks its tables, columns, keys and values at random among those where PostgreSQL's answer is
 * subtle (see {@link Column}).
 */
final class Generator {
    private final Random random;
    private final List<Feature> features;
    private final ReadStatements reads;
    private final HiddenColumnStatements hidden;
    private final WriteStatements writes;
    private final KeyForms keyForms;

    Generator(long seed, Set<Feature> enabled) {
        this.random = new Random(seed);
        this.features = List.copyOf(enabled);
        this.reads = new ReadStatements(random);
        this.writes = new WriteStatements(random, reads);
        this.hidden = new HiddenColumnStatements(random, reads);
        this.keyForms = new KeyForms(random);
        if (features.isEmpty()) {
            throw new IllegalArgumentException("no feature enabled");
        }
    }

    Protocol protocol() {
        return Protocol.values()[random.nextInt(Protocol.values().length)];
    }

    Case next() {
        Feature feature = features.get(random.nextInt(features.size()));
        return switch (feature) {
            case POINT_SELECT -> Case.of(reads.pointSelect());
            case IN_LIST -> Case.of(reads.inList());
            case KEY_FORMS -> Case.of(keyForms.next());
            case RANGE -> Case.of(reads.range());
            case KEYLESS_SCAN -> Case.of(reads.keylessScan());
            case AGGREGATE -> Case.of(reads.aggregate());
            case GROUP_BY -> Case.of(reads.groupBy());
            case DISTINCT -> Case.of(reads.distinct());
            case ORDER_BY -> Case.of(reads.orderBy(false));
            case ORDER_LIMIT -> Case.of(reads.orderBy(true));
            case HAVING -> Case.of(reads.having());
            case JOIN_ON_KEY -> Case.of(reads.joinOnKey());
            case JOIN_OFF_KEY -> Case.of(reads.joinOffKey());
            case JOIN_REFERENCE -> Case.of(reads.joinReference());
            case SUBQUERY -> Case.of(reads.subquery());
            case CO_LOCATED -> Case.of(reads.coLocated());
            case UNION -> Case.of(reads.union());
            case WINDOW -> Case.of(reads.window());
            case VIEW -> Case.of(reads.view());
            case FUNCTION -> Case.of(reads.function());
            case ERROR -> Case.of(random.nextInt(4) == 0 ? writes.failingWrite() : reads.failing());
            case INSERT -> Case.of(writes.insert());
            case INSERT_MULTI -> Case.of(writes.insertMulti());
            case INSERT_ON_CONFLICT -> Case.of(writes.insertOnConflict());
            case UPDATE -> Case.of(writes.update());
            case UPDATE_KEY -> Case.of(writes.updateKey());
            case DELETE -> Case.of(writes.delete());
            case WRITABLE_CTE -> Case.of(writes.writableCte());
            case REFERENCE_WRITE -> Case.of(writes.referenceWrite());
            case TRANSACTION -> transaction();
            case MULTI_SHARD_TRANSACTION -> multiShardTransaction();
            case COPY -> Case.of(writes.copy());
            case HIDDEN_ORDER -> Case.of(hidden.order());
            case HIDDEN_GROUP -> Case.of(hidden.group());
            case INSERT_POSITIONAL -> Case.of(writes.insertPositional());
            case FINISH -> Case.of(reads.finish());
        };
    }

    /**
     * BEGIN, the key given by {@code SET __spqr__sharding_key} (the router's hint, not sent to the
     * oracle), statements on that key's rows — some naming the key, some only a range within its
     * key range, which the hint routes, some an INSERT of another key — then COMMIT or ROLLBACK.
     */
    private Case transaction() {
        int key = Keys.pick(random);
        List<Step> steps = new ArrayList<>();
        steps.add(Step.control(Feature.TRANSACTION, "BEGIN", false));
        steps.add(Step.control(Feature.TRANSACTION, "SET __spqr__sharding_key = " + key, true));
        int count = 1 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            steps.add(switch (random.nextInt(6)) {
                case 0 -> writes.updateOf(Feature.TRANSACTION, key);
                case 1 -> writes.insertOf(Feature.TRANSACTION, key);
                case 2 -> writes.deleteOf(Feature.TRANSACTION, key);
                case 3 -> reads.pointSelectOf(Feature.TRANSACTION, key);
                // the statement names another key than the hint: the row must still land on its key's shard
                case 4 -> writes.insertOf(Feature.TRANSACTION, Keys.other(random, key));
                default -> reads.withinRangeOf(Feature.TRANSACTION, key);
            });
        }
        steps.add(Step.control(Feature.TRANSACTION, random.nextBoolean() ? "COMMIT" : "ROLLBACK", false));
        return new Case(Feature.TRANSACTION, steps);
    }

    /**
     * BEGIN, then keyed reads and writes of keys on any shard (shards join the transaction as they
     * come), sometimes a SAVEPOINT and ROLLBACK TO it, then COMMIT or ROLLBACK: every shard must end
     * as PostgreSQL does.
     */
    private Case multiShardTransaction() {
        Feature feature = Feature.MULTI_SHARD_TRANSACTION;
        List<Step> steps = new ArrayList<>();
        steps.add(Step.control(feature, "BEGIN", false));
        int count = 2 + random.nextInt(4);
        boolean savepoint = false;
        for (int i = 0; i < count; i++) {
            int key = Keys.pick(random);
            if (!savepoint && random.nextInt(4) == 0) {
                steps.add(Step.control(feature, "SAVEPOINT s1", false));
                savepoint = true;
            }
            steps.add(switch (random.nextInt(4)) {
                case 0 -> writes.updateOf(feature, key);
                case 1 -> writes.insertOf(feature, key);
                case 2 -> writes.deleteOf(feature, key);
                default -> reads.pointSelectOf(feature, key);
            });
        }
        if (savepoint && random.nextBoolean()) {
            steps.add(Step.control(feature, "ROLLBACK TO SAVEPOINT s1", false));
        }
        steps.add(Step.control(feature, random.nextBoolean() ? "COMMIT" : "ROLLBACK", false));
        return new Case(feature, steps);
    }
}
