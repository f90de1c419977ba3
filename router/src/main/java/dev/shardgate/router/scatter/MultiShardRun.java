package dev.shardgate.router.scatter;

import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.merge.ResultMerger;
import dev.shardgate.router.merge.RowSource;
import dev.shardgate.sql.MultiShardShape;
import dev.shardgate.wire.CommandComplete;
import dev.shardgate.wire.DataRow;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.NoticeResponse;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.RowDescription;
import dev.shardgate.wire.SqlState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one statement on several shards at once over the simple query protocol and answers the client
 * as one server would: one RowDescription, the merged DataRows, one CommandComplete (rows counted, or
 * the shards' counts summed), or the first error. Every shard's answer is read through its
 * ReadyForQuery before returning, so each backend is idle again (or in the state its shard left it).
 */
public final class MultiShardRun {
    private final Map<String, BackendConnection> backends;
    private final PgWriter client;
    private final List<ShardStream> streams = new ArrayList<>();

    /**
     * @param backends one idle backend per shard, in shard order
     * @param client where the answer goes; ReadyForQuery is the caller's to write
     */
    public MultiShardRun(Map<String, BackendConnection> backends, PgWriter client) {
        this.backends = backends;
        this.client = client;
    }

    /**
     * Sends each shard its statement and writes the combined answer.
     *
     * @param sqlByShard the statement text for each shard of {@code backends} that takes part
     * @param select how rows merge for a SELECT; null for writes, whose RETURNING rows are concatenated
     * @return what happened on each shard, for the caller to give the backends back
     */
    public Outcome run(Map<String, String> sqlByShard, MultiShardShape.Select select) throws IOException {
        try {
            for (Map.Entry<String, String> entry : sqlByShard.entrySet()) {
                ShardStream stream = new ShardStream(entry.getKey(), backends.get(entry.getKey()), this::notice);
                streams.add(stream);
                stream.start(entry.getValue());
            }
            answer(select);
        } catch (ShardError e) {
            client.write(e.response());
        } catch (PgException e) {
            client.write(ErrorResponse.of(e));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } finally {
            for (ShardStream stream : streams) {
                stream.finish();
            }
        }
        List<String> broken = new ArrayList<>();
        boolean inTransaction = false;
        for (ShardStream stream : streams) {
            if (stream.isBroken()) {
                broken.add(stream.shard());
            }
            inTransaction |= stream.status() != 'I';
        }
        return new Outcome(broken, inTransaction);
    }

    /**
     * @param brokenShards shards whose backend connection broke: to be discarded
     * @param inTransaction some shard ended in a transaction block (the statement opened one)
     */
    public record Outcome(List<String> brokenShards, boolean inTransaction) {
    }

    private void answer(MultiShardShape.Select select) throws IOException {
        RowDescription agreed = null;
        boolean withoutRows = false;
        for (ShardStream stream : streams) {
            RowDescription description = stream.description();
            if (description == null) {
                withoutRows = true;
            } else if (agreed == null) {
                agreed = description;
            } else if (!sameColumns(agreed, description)) {
                throw new PgException(SqlState.DATATYPE_MISMATCH, "shards \"" + streams.getFirst().shard() + "\" and \""
                        + stream.shard() + "\" answered with different columns: their schemas differ")
                        .withDetail(describe(agreed) + " versus " + describe(description));
            }
        }
        if (agreed != null && withoutRows) {
            throw new PgException(SqlState.DATATYPE_MISMATCH, "some shards answered rows and others none: their schemas differ");
        }
        if (agreed == null) {
            client.write(new CommandComplete(summedTag()));
            return;
        }
        ResultMerger merger = select == null ? null : new ResultMerger(select, agreed);
        client.write(merger == null ? agreed : merger.columns());
        List<RowSource> sources = new ArrayList<>(streams);
        RowSource rows = merger == null ? concatenation(sources) : merger.merge(sources);
        long count = 0;
        byte[][] row;
        while ((row = rows.next()) != null) {
            client.write(new DataRow(row));
            count++;
        }
        client.write(new CommandComplete(select != null ? "SELECT " + count : summedTag()));
    }

    private static RowSource concatenation(List<RowSource> sources) {
        int[] current = {0};
        return () -> {
            while (current[0] < sources.size()) {
                byte[][] row = sources.get(current[0]).next();
                if (row != null) {
                    return row;
                }
                current[0]++;
            }
            return null;
        };
    }

    /** "UPDATE 7" from "UPDATE 3" and "UPDATE 4"; INSERT's tag keeps its 0 (the OID field). */
    private String summedTag() throws IOException {
        String first = null;
        long total = 0;
        for (ShardStream stream : streams) {
            String tag = stream.tag();
            int space = tag.lastIndexOf(' ');
            if (first == null) {
                first = tag;
            }
            if (space > 0) {
                try {
                    total += Long.parseLong(tag.substring(space + 1));
                } catch (NumberFormatException e) {
                    return first; // a tag without a count (e.g. a utility statement): any shard's will do
                }
            } else {
                return first;
            }
        }
        return first.substring(0, first.lastIndexOf(' ') + 1) + total;
    }

    /** Columns agree in name, type, type modifier and format; table OIDs differ from shard to shard. */
    private static boolean sameColumns(RowDescription a, RowDescription b) {
        if (a.fields().size() != b.fields().size()) {
            return false;
        }
        for (int i = 0; i < a.fields().size(); i++) {
            RowDescription.Field x = a.fields().get(i);
            RowDescription.Field y = b.fields().get(i);
            if (!x.name().equals(y.name()) || x.typeOid() != y.typeOid() || x.typeModifier() != y.typeModifier()
                    || x.format() != y.format()) {
                return false;
            }
        }
        return true;
    }

    private static String describe(RowDescription description) {
        List<String> columns = new ArrayList<>();
        for (RowDescription.Field field : description.fields()) {
            columns.add(field.name() + " (type oid " + field.typeOid() + ")");
        }
        return String.join(", ", columns);
    }

    private void notice(NoticeResponse notice) {
        try {
            client.write(notice);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
