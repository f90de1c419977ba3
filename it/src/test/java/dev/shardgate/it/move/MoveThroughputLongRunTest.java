package dev.shardgate.it.move;

import dev.shardgate.it.harness.PostgresServers;
import dev.shardgate.it.harness.RealPostgres;
import dev.shardgate.coordinator.move.ShardHash;
import dev.shardgate.meta.ColumnType;
import dev.shardgate.meta.HashFunction;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

import static dev.shardgate.it.move.MoveCluster.execute;
import static dev.shardgate.it.move.MoveCluster.rows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark figure of docs/resharding.md: rows per second of REDISTRIBUTE (range and hashed)
 * against a raw COPY of the same rows between the same two shards. Prints the figures; asserts
 * only that every row arrived, never a speed. Run with {@code -Dmovebench=run}
 * (and {@code -Dmovebench.rows=N}, 200,000 by default; {@code -Dmovebench.batch=N}, 50,000 by default, or
 * {@code default} for the coordinator's default batches).
 * The coordinator's {@code event=task_group_step} lines (DEBUG, switched on here) give each step's time,
 * and {@code movebench cpu} the machine's CPU time during each COPY and move.
 */
@RealPostgres(servers = 2)
@EnabledIfSystemProperty(named = "movebench", matches = "run")
class MoveThroughputLongRunTest {
    private static final int ROWS = Integer.getInteger("movebench.rows", 200_000);
    /** Rows per batch, or {@code default}: no BATCH SIZE, the coordinator's default batches (sized by time). */
    private static final String BATCH = System.getProperty("movebench.batch", "50000");
    private static final String BATCH_CLAUSE = BATCH.equals("default") ? "" : " BATCH SIZE " + Integer.parseInt(BATCH);
    private MoveCluster cluster;

    @BeforeEach
    void start(PostgresServers servers) throws Exception {
        // each step's time (event=task_group_step … ms=) in the output, for docs/resharding.md's breakdown
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.shardgate.coordinator.move.Redistribution"))
                .setLevel(ch.qos.logback.classic.Level.DEBUG);
        cluster = BATCH.equals("default") ? MoveCluster.startWithDefaultBatches(servers, "move_bench")
                : MoveCluster.start(servers, "move_bench");
        cluster.onShard(0, """
                CREATE TABLE ranged (id bigint PRIMARY KEY, note text NOT NULL, qty int NOT NULL);
                CREATE TABLE hashed (id bigint PRIMARY KEY, note text NOT NULL, qty int NOT NULL);
                CREATE TABLE copied (id bigint PRIMARY KEY, note text NOT NULL, qty int NOT NULL);
                INSERT INTO ranged SELECT g, 'note number ' || g, g %% 100 FROM generate_series(1, %1$d) g;
                INSERT INTO hashed SELECT g, 'note number ' || g, g %% 100 FROM generate_series(1, %1$d) g;
                ANALYZE ranged, hashed;""".formatted(ROWS));
        cluster.onShard(1, "CREATE TABLE copied (id bigint PRIMARY KEY, note text NOT NULL, qty int NOT NULL)");
        cluster.createShards();
        try (Connection console = cluster.console()) {
            execute(console, "CREATE DISTRIBUTION dr COLUMN TYPES integer");
            execute(console, "ALTER DISTRIBUTION dr ATTACH RELATION ranged DISTRIBUTION KEY id");
            execute(console, "CREATE KEY RANGE kr1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION dr");
            execute(console, "CREATE DISTRIBUTION dh COLUMN TYPES integer hash");
            execute(console, "ALTER DISTRIBUTION dh ATTACH RELATION hashed DISTRIBUTION KEY id HASH FUNCTION murmur");
            execute(console, "CREATE KEY RANGE kh1 FROM 0 ROUTE TO sh1 FOR DISTRIBUTION dh");
        }
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void moveAgainstRawCopy() throws Exception {
        hashOnShardAgainstStreamingKeys();
        // each move is compared with a raw COPY run just before it: on a shared machine the load
        // changes within seconds, and a ratio against a COPY of another moment says little
        long[] busy = new long[5];
        busy[0] = busyJiffies();
        long copyNanos = rawCopy("ranged");
        busy[1] = busyJiffies();
        long rangedNanos = move("REDISTRIBUTE KEY RANGE kr1 TO sh2" + BATCH_CLAUSE);
        busy[2] = busyJiffies();
        long secondCopyNanos = rawCopy("hashed");
        busy[3] = busyJiffies();
        long hashedNanos = move("REDISTRIBUTE KEY RANGE kh1 TO sh2" + BATCH_CLAUSE);
        busy[4] = busyJiffies();
        assertThat(cluster.content(1, "hashed", "true")).isEqualTo(cluster.content(1, "ranged", "true"));
        double copyRate = ROWS / (copyNanos / 1e9);
        double secondCopyRate = ROWS / (secondCopyNanos / 1e9);
        double rangedRate = ROWS / (rangedNanos / 1e9);
        double hashedRate = ROWS / (hashedNanos / 1e9);
        System.out.printf("movebench rows=%d batch=%s copy_rows_per_s=%.0f range_move_rows_per_s=%.0f (%.2fx) "
                        + "copy_rows_per_s=%.0f hashed_move_rows_per_s=%.0f (%.2fx)%n", ROWS, BATCH, copyRate, rangedRate,
                rangedRate / copyRate, secondCopyRate, hashedRate, hashedRate / secondCopyRate);
        // the machine's CPU time (all processes: both shards, the coordinator, the routers) each took,
        // in CPU seconds and as busy CPUs on average: what bounds a move on a machine of few CPUs
        String[] names = {"copy", "range_move", "copy", "hashed_move"};
        long[] nanos = {copyNanos, rangedNanos, secondCopyNanos, hashedNanos};
        StringBuilder cpu = new StringBuilder("movebench cpu");
        for (int i = 0; i < 4; i++) {
            double seconds = (busy[i + 1] - busy[i]) / 100.0;
            cpu.append(String.format(" %s_cpu_s=%.2f (%.2f cpus)", names[i], seconds, seconds / (nanos[i] / 1e9)));
        }
        System.out.println(cpu);
    }

    /** CPU time the machine spent busy so far, in USER_HZ ticks (1/100 s), from /proc/stat's first line. */
    private static long busyJiffies() throws java.io.IOException {
        String[] fields = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).getFirst().trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i < fields.length && i <= 8; i++) {
            if (i != 4 && i != 5) { // idle, iowait
                busy += Long.parseLong(fields[i]);
            }
        }
        return busy;
    }

    /**
     * Where to hash: selecting the lower half of the hash space on the shard with the temporary SQL
     * functions, against streaming every key to the coordinator and hashing it in Java (which would
     * still have to send the chosen keys back to select the rows).
     */
    private void hashOnShardAgainstStreamingKeys() throws Exception {
        try (Connection shard = cluster.shard(0)) {
            ShardHash.install(shard);
            long start = System.nanoTime();
            String onShard = MoveCluster.value(shard, "SELECT count(*) FROM hashed WHERE "
                    + ShardHash.keyExpression("id", ColumnType.INTEGER_HASH, HashFunction.MURMUR) + " < 2147483648");
            long shardNanos = System.nanoTime() - start;
            start = System.nanoTime();
            CopyOut out = shard.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT id FROM hashed) TO STDOUT");
            long streamed = 0;
            StringBuilder line = new StringBuilder();
            byte[] chunk;
            while ((chunk = out.readFromCopy()) != null) {
                for (byte b : chunk) {
                    if (b == '\n') {
                        if (HashFunction.MURMUR.hashInteger(Long.parseLong(line.toString())) < 2147483648L) {
                            streamed++;
                        }
                        line.setLength(0);
                    } else {
                        line.append((char) b);
                    }
                }
            }
            long streamNanos = System.nanoTime() - start;
            assertThat(Long.toString(streamed)).isEqualTo(onShard);
            System.out.printf("movebench rows=%d hash_on_shard_ms=%d stream_keys_and_hash_in_java_ms=%d%n", ROWS,
                    shardNanos / 1_000_000, streamNanos / 1_000_000);
        }
    }

    /** COPY of {@code table} out of sh1 piped into COPY in on sh2, as the move's copy step does, without the move's checks. */
    private long rawCopy(String table) throws Exception {
        try (Connection from = cluster.shard(0); Connection to = cluster.shard(1)) {
            try (var statement = to.createStatement()) {
                statement.execute("TRUNCATE copied"); // the first raw COPY's rows, before the second
            }
            long start = System.nanoTime();
            to.setAutoCommit(false);
            CopyOut out = from.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT id, note, qty FROM " + table + ") TO STDOUT");
            CopyIn in = to.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY copied (id, note, qty) FROM STDIN");
            byte[] chunk;
            while ((chunk = out.readFromCopy()) != null) {
                in.writeToCopy(chunk, 0, chunk.length);
            }
            assertThat(in.endCopy()).isEqualTo(ROWS);
            to.commit();
            return System.nanoTime() - start;
        }
    }

    private long move(String statement) throws Exception {
        try (Connection console = cluster.console()) {
            long start = System.nanoTime();
            List<String> result = rows(console, statement);
            long nanos = System.nanoTime() - start;
            assertThat(result.getFirst().split("\\|")[2]).isEqualTo(Integer.toString(ROWS));
            return nanos;
        }
    }
}
