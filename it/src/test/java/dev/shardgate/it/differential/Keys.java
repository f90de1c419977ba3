package dev.shardgate.it.differential;

import java.util.Random;

/** Sharding keys for generated statements: mostly {@link Dataset#HOT_KEYS}, sometimes any key. */
final class Keys {
    private Keys() {
    }

    static int pick(Random random) {
        if (random.nextInt(5) == 0) {
            return random.nextInt(3700) - 200;
        }
        return Dataset.HOT_KEYS[random.nextInt(Dataset.HOT_KEYS.length)];
    }

    /** A key different from {@code other}, preferably on another shard. */
    static int other(Random random, int other) {
        for (int attempt = 0; attempt < 10; attempt++) {
            int key = pick(random);
            if (Dataset.shardOf(key) != Dataset.shardOf(other)) {
                return key;
            }
        }
        return other == Integer.MAX_VALUE ? other - 1 : other + 1;
    }
}
