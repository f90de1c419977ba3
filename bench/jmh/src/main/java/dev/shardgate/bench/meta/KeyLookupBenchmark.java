package dev.shardgate.bench.meta;

import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.KeyBound;
import dev.shardgate.meta.KeyRange;
import dev.shardgate.meta.KeyRangeIndex;
import dev.shardgate.meta.Metadata;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Key → key range → shard with 10, 1,000 and 10,000 ranges, for keys spread at random over all of
 * them (so the binary search does not always take the same path): on the index alone, through
 * {@link Metadata#shardFor}, and from the key's text as a Bind or a literal carries it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class KeyLookupBenchmark {
    private static final int KEY_COUNT = 4096;

    @Param({"10", "1000", "10000"})
    public int ranges;

    private Metadata metadata;
    private KeyRangeIndex index;
    private DistributedRelation accounts;
    private KeyBound[] keys;
    private List<String>[] keyTexts;
    private int next;

    @Setup
    @SuppressWarnings("unchecked")
    public void prepare() {
        metadata = AccountsMetadata.withRanges(ranges);
        index = metadata.index(AccountsMetadata.DISTRIBUTION);
        accounts = metadata.relation(AccountsMetadata.ACCOUNTS).orElseThrow();
        SplittableRandom random = new SplittableRandom(42);
        keys = new KeyBound[KEY_COUNT];
        keyTexts = new List[KEY_COUNT];
        for (int i = 0; i < KEY_COUNT; i++) {
            long aid = random.nextLong(1, AccountsMetadata.lastKey(ranges) + 1);
            keys[i] = AccountsMetadata.key(aid);
            keyTexts[i] = List.of(Long.toString(aid));
        }
    }

    private int nextKey() {
        next = (next + 1) & (KEY_COUNT - 1);
        return next;
    }

    @Benchmark
    public Optional<KeyRange> rangeFor() {
        return index.rangeFor(keys[nextKey()]);
    }

    @Benchmark
    public Optional<String> shardFor() {
        return metadata.shardFor(AccountsMetadata.DISTRIBUTION, keys[nextKey()]);
    }

    /** The router's path for a key it got as text: parse it for the column type, then look it up. */
    @Benchmark
    public Optional<String> shardForText() {
        KeyBound key = metadata.routingKeyFromText(accounts, keyTexts[nextKey()]);
        return metadata.shardFor(AccountsMetadata.DISTRIBUTION, key);
    }
}
