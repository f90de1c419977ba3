package dev.shardgate.it.differential;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The kinds of statement the generator makes. {@code quick} says whether the quick run in the normal
 * test suite ({@link DifferentialQuickTest}) enables it: a feature is switched on there once the
 * router answers it like PostgreSQL (or refuses it with 0A000) — a one-word change here.
 */
enum Feature {
    POINT_SELECT(true),
    IN_LIST(true),
    KEY_FORMS(true),
    RANGE(true),
    KEYLESS_SCAN(true),
    AGGREGATE(true),
    GROUP_BY(true),
    DISTINCT(true),
    ORDER_BY(true),
    ORDER_LIMIT(true),
    HAVING(true),
    JOIN_ON_KEY(true),
    JOIN_OFF_KEY(true),
    JOIN_REFERENCE(true),
    SUBQUERY(true),
    CO_LOCATED(true),
    UNION(true),
    WINDOW(true),
    VIEW(true),
    FUNCTION(true),
    ERROR(true),
    INSERT(true),
    INSERT_MULTI(true),
    INSERT_ON_CONFLICT(true),
    UPDATE(true),
    UPDATE_KEY(true),
    DELETE(true),
    WRITABLE_CTE(true),
    REFERENCE_WRITE(true),
    TRANSACTION(true),
    MULTI_SHARD_TRANSACTION(true),
    COPY(true),
    HIDDEN_ORDER(true),
    HIDDEN_GROUP(true),
    INSERT_POSITIONAL(true),
    FINISH(true);

    private final boolean quick;

    Feature(boolean quick) {
        this.quick = quick;
    }

    static Set<Feature> quickRun() {
        EnumSet<Feature> enabled = EnumSet.noneOf(Feature.class);
        for (Feature feature : values()) {
            if (feature.quick) {
                enabled.add(feature);
            }
        }
        return enabled;
    }

    /** {@code all}, or names separated by commas, case-insensitive: {@code point_select,insert}. */
    static Set<Feature> parse(String list) {
        if (list == null || list.isBlank() || list.strip().equalsIgnoreCase("all")) {
            return EnumSet.allOf(Feature.class);
        }
        EnumSet<Feature> enabled = EnumSet.noneOf(Feature.class);
        Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .forEach(name -> enabled.add(valueOf(name.toUpperCase(Locale.ROOT))));
        return enabled;
    }
}
