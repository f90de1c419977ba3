package dev.shardgate.router.scatter;

import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.merge.RowSource;
import dev.shardgate.wire.BackendMessage;
import dev.shardgate.wire.CommandComplete;
import dev.shardgate.wire.DataRow;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.FrontendMessage;
import dev.shardgate.wire.NoData;
import dev.shardgate.wire.NoticeResponse;
import dev.shardgate.wire.ParameterStatus;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.ReadyForQuery;
import dev.shardgate.wire.RowDescription;
import dev.shardgate.wire.SqlState;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * One shard's answer to a simple Query, read by a virtual thread of its own into a small queue: the
 * shards work concurrently, and a shard whose rows are not taken yet waits (its rows stay in the
 * queue and the socket) instead of filling memory.
 */
final class ShardStream implements RowSource {
    /** Messages read ahead per shard. */
    private static final int READ_AHEAD = 256;

    /** The backend connection broke; the reader's last item. */
    private record Lost(IOException cause) {
    }

    private final String shard;
    private final BackendConnection backend;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(READ_AHEAD);
    private final Consumer<NoticeResponse> notices;
    private Thread reader;
    private Object peeked;
    private String tag;
    private byte status = 'I';
    private boolean ended;
    private boolean broken;

    ShardStream(String shard, BackendConnection backend, Consumer<NoticeResponse> notices) {
        this.shard = shard;
        this.backend = backend;
        this.notices = notices;
    }

    String shard() {
        return shard;
    }

    /** Sends the query and starts reading the answer. */
    void start(String sql) {
        start(List.of(new Query(sql)));
    }

    /** Sends the messages (a Query, or an extended-protocol segment ending in Sync) and starts reading the answer. */
    void start(List<FrontendMessage> messages) {
        try {
            for (FrontendMessage message : messages) {
                backend.writer().write(message);
            }
            backend.writer().flush();
        } catch (IOException e) {
            backend.markBroken();
            broken = true;
            ended = true;
            throw lost(e);
        }
        reader = dev.shardgate.router.loop.EventLoops.startVirtual("scatter-" + shard, this::read);
    }

    private void read() {
        try {
            long cancelledAtReady = -1;
            while (true) {
                BackendMessage message;
                try {
                    message = backend.reader().readBackend();
                } catch (java.net.SocketTimeoutException e) {
                    // query_timeout without a message from this shard: cancel once; the cancel's watch closes
                    // the backend if the shard does not end the query either
                    if (cancelledAtReady != backend.readyCount()) {
                        cancelledAtReady = backend.readyCount();
                        dev.shardgate.router.backend.QueryCancel.cancel(backend, "query_timeout ("
                                + backend.queryTimeoutMillis() + " ms without an answer)", () -> true);
                    }
                    continue;
                }
                if (message instanceof ParameterStatus parameter) {
                    backend.reported().put(parameter.name(), parameter.value());
                    continue;
                }
                queue.put(message);
                if (message instanceof ReadyForQuery ready) {
                    backend.readyForQuery(ready.status());
                    return;
                }
            }
        } catch (IOException e) {
            backend.markBroken();
            putQuietly(new Lost(e));
        } catch (InterruptedException e) {
            backend.markBroken();
        } catch (RuntimeException e) {
            backend.markBroken();
            putQuietly(new Lost(new IOException(e.getMessage(), e)));
        }
    }

    private void putQuietly(Object item) {
        try {
            queue.put(item);
        } catch (InterruptedException ignored) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The shard's RowDescription, or null when its statement returns no rows (NoData, or its
     * CommandComplete came first). A shard error is thrown as {@link ShardError}.
     */
    RowDescription description() throws IOException {
        Object first = take();
        return switch (first) {
            case RowDescription description -> description;
            case NoData none -> null;
            case CommandComplete complete -> {
                tag = complete.tag();
                peeked = complete;
                yield null;
            }
            default -> throw new PgException(SqlState.PROTOCOL_VIOLATION,
                    "shard \"" + shard + "\" answered " + first.getClass().getSimpleName() + " to a query");
        };
    }

    /** The next DataRow's values, or null at CommandComplete. */
    @Override
    public byte[][] next() throws IOException {
        if (tag != null) {
            return null;
        }
        Object item = take();
        return switch (item) {
            case DataRow row -> row.values();
            case CommandComplete complete -> {
                tag = complete.tag();
                yield null;
            }
            default -> throw new PgException(SqlState.PROTOCOL_VIOLATION,
                    "shard \"" + shard + "\" answered " + item.getClass().getSimpleName() + " among rows");
        };
    }

    /** The command tag, reading up to it (rows are skipped); null before start or after an error. */
    String tag() throws IOException {
        while (tag == null && next() != null) {
            // rows of a statement whose rows nobody reads
        }
        return tag;
    }

    /**
     * The next item that matters: notices go to the client, an error is thrown, ReadyForQuery ends
     * the stream.
     */
    private Object take() throws IOException {
        while (true) {
            Object item;
            if (peeked != null) {
                item = peeked;
                peeked = null;
            } else if (ended) {
                throw new PgException(SqlState.PROTOCOL_VIOLATION, "shard \"" + shard + "\" ended its answer early");
            } else {
                try {
                    item = queue.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PgException(SqlState.QUERY_CANCELED, "canceling statement due to interrupt");
                }
            }
            switch (item) {
                case NoticeResponse notice -> notices.accept(notice);
                case ErrorResponse error -> throw new ShardError(shard, error);
                case ReadyForQuery ready -> {
                    ended = true;
                    status = ready.status();
                    throw new PgException(SqlState.PROTOCOL_VIOLATION, "shard \"" + shard + "\" ended its answer early");
                }
                case Lost lost -> {
                    ended = true;
                    broken = true;
                    throw lost(lost.cause());
                }
                case BackendMessage message -> {
                    if (message instanceof dev.shardgate.wire.EmptyQueryResponse
                            || message instanceof dev.shardgate.wire.ParseComplete
                            || message instanceof dev.shardgate.wire.BindComplete) {
                        continue;
                    }
                    return item;
                }
                default -> throw new IllegalStateException("unexpected item " + item);
            }
        }
    }

    private PgException lost(IOException e) {
        return backend.lost(e);
    }

    /** Reads and drops the rest of the answer through ReadyForQuery, then waits for the reader to stop. */
    void finish() {
        while (!ended) {
            Object item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                backend.markBroken();
                break;
            }
            if (item instanceof ReadyForQuery ready) {
                status = ready.status();
                ended = true;
            } else if (item instanceof Lost) {
                broken = true;
                ended = true;
            }
        }
        if (reader != null) {
            try {
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The transaction status of the shard's final ReadyForQuery. */
    byte status() {
        return status;
    }

    boolean isBroken() {
        return broken || backend.isBroken();
    }
}
