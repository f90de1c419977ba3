package dev.shardgate.router.sequence;

import dev.shardgate.meta.MetadataException;
import dev.shardgate.qdb.Qdb;
import dev.shardgate.qdb.SequenceValues;
import dev.shardgate.router.loop.EventLoops;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.SqlState;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The values of auto-increment sequences this router hands out: blocks of {@code
 * sequence_block_size} values taken from the QDB with compare-and-set ({@link SequenceValues#take}),
 * then handed out from memory, so that a QDB round trip is paid once per block and no value is
 * ever handed out by two routers. What is left of a block when the router stops is never used, as
 * with the values a PostgreSQL sequence caches (CACHE n). Thread-safe; one per router.
 */
public final class SequenceBlocks {
    private static final Logger log = LoggerFactory.getLogger(SequenceBlocks.class);

    private final Qdb qdb;
    private final int blockSize;
    private final ConcurrentHashMap<String, Block> blocks = new ConcurrentHashMap<>();

    public SequenceBlocks(Qdb qdb, int blockSize) {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("block size must be positive, not " + blockSize);
        }
        this.qdb = qdb;
        this.blockSize = blockSize;
    }

    /** The values this router holds of one sequence: {@code [next, end)}. */
    private static final class Block {
        final ReentrantLock lock = new ReentrantLock();
        long next;
        long end;
    }

    /**
     * The next {@code count} values of a sequence, ascending; a block is taken from the QDB when
     * this router has too few left.
     *
     * @param start where the sequence begins (AUTO INCREMENT … START n); values below it held from
     *              before are dropped, so a raised START takes effect on every router
     * @throws PgException when the QDB cannot give a block, with the QDB's SQLSTATE
     */
    public long[] next(String sequenceName, long start, int count) {
        long[] values = new long[count];
        Block block = blocks.computeIfAbsent(sequenceName, name -> new Block());
        block.lock.lock();
        try {
            if (block.next < start) {
                block.end = block.next; // held values lie below the start: not to be handed out
            }
            int filled = 0;
            while (filled < count) {
                if (block.next == block.end) {
                    take(sequenceName, start, block, count - filled);
                }
                long available = Math.min(block.end - block.next, count - filled);
                for (long i = 0; i < available; i++) {
                    values[filled++] = block.next++;
                }
            }
        } finally {
            block.lock.unlock();
        }
        return values;
    }

    /** Refills the block: one take covers a whole large multi-row INSERT. */
    private void take(String sequenceName, long start, Block block, int needed) {
        long size = Math.max(blockSize, needed);
        long first;
        try {
            // a file QDB fsyncs: not on an event loop's thread
            first = EventLoops.offLoop(() -> SequenceValues.take(qdb, sequenceName, start, size));
        } catch (MetadataException e) {
            throw new PgException(sqlState(e.sqlState()), "could not take values of sequence \"" + sequenceName
                    + "\" from the QDB: " + e.getMessage());
        }
        block.next = first;
        block.end = first + size;
        log.debug("event=sequence_block_taken sequence={} first={} size={}", sequenceName, first, size);
    }

    private static SqlState sqlState(String code) {
        return Arrays.stream(SqlState.values()).filter(state -> state.code().equals(code)).findFirst()
                .orElse(SqlState.INTERNAL_ERROR);
    }
}
