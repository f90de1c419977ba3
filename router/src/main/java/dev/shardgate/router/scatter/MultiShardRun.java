package dev.shardgate.router.scatter;

import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.backend.BackendQueries;
import dev.shardgate.router.merge.BinaryValues;
import dev.shardgate.router.merge.ResultMerger;
import dev.shardgate.router.merge.RowSource;
import dev.shardgate.router.merge.ShardCollations;
import dev.shardgate.router.merge.TextOrder;
import dev.shardgate.sql.MultiShardShape;
import dev.shardgate.wire.Bind;
import dev.shardgate.wire.CommandComplete;
import dev.shardgate.wire.Describe;
import dev.shardgate.wire.Execute;
import dev.shardgate.wire.FrontendMessage;
import dev.shardgate.wire.NoData;
import dev.shardgate.wire.Parse;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.ClientEncoding;
import dev.shardgate.wire.Sync;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one statement on several shards at once over the simple query protocol and answers the client
 * as one server would: one RowDescription, the merged DataRows, one CommandComplete (rows counted, or
 * the shards' counts summed), or the first error. Every shard's answer is read through its
 * ReadyForQuery before returning, so each backend is idle again (or in the state its shard left it).
 * Outside the client's transaction block a write runs in a transaction the router opens on each
 * shard and commits (by its {@link ShardCommit}) only when every shard succeeded.
 */
public final class MultiShardRun {
    private final Map<String, BackendConnection> backends;
    private final PgWriter client;
    private final List<ShardStream> streams = new ArrayList<>();
    private boolean extended;
    /** The client's result formats, when shards are asked for text that the merged rows are converted from; else null. */
    private short[] clientFormats;
    /** Each shard's collations, when the merge compares values whose collation its catalog decides. */
    private final Map<String, ShardCollations> collations = new LinkedHashMap<>();

    /**
     * @param backends one idle backend per shard, in shard order
     * @param client where the answer goes; ReadyForQuery is the caller's to write
     */
    public MultiShardRun(Map<String, BackendConnection> backends, PgWriter client) {
        this(backends, client, false);
    }

    /**
     * @param replicated every shard runs the same statement on its own copy of the data (DDL on a
     *     distributed relation, writes to a reference relation): the first shard's rows are the
     *     answer, all command tags must agree, and the shards run it in one transaction each,
     *     committed only when all succeeded (backends already in a transaction run it there)
     */
    public MultiShardRun(Map<String, BackendConnection> backends, PgWriter client, boolean replicated) {
        this(backends, client, replicated, ClientEncoding.UTF8);
    }

    /** @param encoding the client's encoding, which the shards read the statements in (they have the client's settings) */
    public MultiShardRun(Map<String, BackendConnection> backends, PgWriter client, boolean replicated, ClientEncoding encoding) {
        this(backends, client, replicated, encoding, ShardCommit.ONE_BY_ONE);
    }

    /**
     * @param commit how the shards commit a write the router opened a transaction for (a write
     *     outside the client's transaction block): all or none under two-phase commit
     */
    public MultiShardRun(Map<String, BackendConnection> backends, PgWriter client, boolean replicated, ClientEncoding encoding,
                         ShardCommit commit) {
        this.backends = backends;
        this.client = client;
        this.replicated = replicated;
        this.encoding = encoding;
        this.commit = commit;
    }

    /**
     * Commits the transactions the router opened on the shards of one statement; on failure every
     * shard is rolled back (or, for best effort, those after the failing one) and the error thrown.
     */
    @FunctionalInterface
    public interface ShardCommit {
        /** COMMIT shard by shard: a failing COMMIT after another succeeded leaves that one committed. */
        ShardCommit ONE_BY_ONE = dev.shardgate.router.twophase.BestEffortCommit::commit;

        void commit(List<dev.shardgate.router.twophase.Participant> participants);
    }

    private final ClientEncoding encoding;

    private final boolean replicated;
    private final ShardCommit commit;
    /** Shards where the router opened a transaction around a write (or replicated statement), still to be ended. */
    private final List<String> opened = new ArrayList<>();

    /** Rows a split update moves before its UPDATE runs on their new shard; null for other statements. */
    private MovedRows move;

    /** The statement is the UPDATE of a split update: these rows move first, in the same transactions. */
    public MultiShardRun moving(MovedRows rows) {
        this.move = rows;
        return this;
    }

    /**
     * Sends each shard its statement and writes the combined answer.
     *
     * @param sqlByShard the statement text for each shard of {@code backends} that takes part
     * @param select how rows merge for a SELECT; null for writes, whose RETURNING rows are concatenated
     * @return what happened on each shard, for the caller to give the backends back
     */
    public Outcome run(Map<String, String> sqlByShard, MultiShardShape.Select select) throws IOException {
        Map<String, List<FrontendMessage>> messages = new LinkedHashMap<>();
        sqlByShard.forEach((shard, sql) -> messages.put(shard, List.of(Query.of(sql, encoding))));
        return run(messages, select, true, true);
    }

    /**
     * The extended-protocol form: each shard gets Parse and Bind of the unnamed statement and portal,
     * Describe, Execute (unless only described) and Sync. The client's ParseComplete and
     * BindComplete are the caller's to write.
     *
     * @param split shards whose statement uses only some of the client's parameters (a split INSERT):
     *     their statement, Parse types and Bind are cut to those; the others get the client's as they are
     * @param bind the client's Bind: its parameters and formats go to every shard
     * @param describe the client asked for the portal's description (Describe P)
     * @param execute the client sent Execute
     */
    public Outcome runExtended(Map<String, String> sqlByShard, Map<String, ShardParameters> split, int[] parameterTypes, Bind bind,
                               MultiShardShape.Select select, boolean describe, boolean execute) throws IOException {
        return runExtended(sqlByShard, split, parameterTypes, bind, select, describe, execute, 0);
    }

    /**
     * @param maxRows the client's Execute row limit (0 for none): past it the portal is suspended and
     *     the rest of the rows is held for the next Execute (see {@link Outcome#suspended})
     */
    public Outcome runExtended(Map<String, String> sqlByShard, Map<String, ShardParameters> split, int[] parameterTypes, Bind bind,
                               MultiShardShape.Select select, boolean describe, boolean execute, int maxRows) throws IOException {
        extended = true;
        rowLimit = maxRows;
        boolean merged = select != null && (select.aggregation() != null || !select.sortKeys().isEmpty() || select.distinct());
        // merging reads values as text; rows that pass through come in the client's formats directly
        short[] shardFormats = merged ? new short[0] : bind.resultFormats();
        clientFormats = merged ? bind.resultFormats() : null;
        Map<String, List<FrontendMessage>> messages = new LinkedHashMap<>();
        sqlByShard.forEach((shard, sql) -> {
            List<FrontendMessage> segment = new ArrayList<>(5);
            ShardParameters own = split.get(shard);
            if (own == null) {
                segment.add(Parse.of("", sql, parameterTypes, encoding));
                segment.add(new Bind("", "", bind.parameterFormats(), bind.parameters(), shardFormats));
            } else {
                segment.add(Parse.of("", own.sql(), own.parameterTypes(parameterTypes), encoding));
                segment.add(own.bind(bind, "", shardFormats));
            }
            segment.add(new Describe((byte) 'P', ""));
            if (execute) {
                segment.add(new Execute("", 0));
            }
            segment.add(new Sync());
            messages.put(shard, segment);
        });
        return run(messages, select, describe, execute);
    }

    private Outcome run(Map<String, List<FrontendMessage>> messages, MultiShardShape.Select select,
                        boolean describe, boolean execute) throws IOException {
        boolean failed = true;
        try {
            // A write (or a statement every shard runs alike) runs in a transaction on each shard,
            // committed only once every shard succeeded: a failure anywhere leaves no shard changed.
            boolean writes = replicated || select == null;
            if (writes && (!replicated || messages.values().stream().flatMap(List::stream)
                    .noneMatch(MultiShardRun::cannotRunInTransaction))) {
                java.util.SequencedSet<String> shards = new java.util.LinkedHashSet<>(messages.keySet());
                if (move != null) {
                    shards.addFirst(move.from());
                }
                begin(shards);
            }
            if (move != null && execute) {
                move.run(backends, encoding, this::notice);
            }
            if (select != null && TextOrder.needsCatalog(select)) {
                for (String shard : messages.keySet()) {
                    collations.put(shard, CollationLookup.of(shard, backends.get(shard), select.collations().from()));
                }
            }
            for (Map.Entry<String, List<FrontendMessage>> entry : messages.entrySet()) {
                ShardStream stream = new ShardStream(entry.getKey(), backends.get(entry.getKey()), this::notice);
                streams.add(stream);
                stream.start(entry.getValue());
            }
            answer(select, describe, execute);
            failed = false;
        } catch (ShardError e) {
            client.write(e.namedResponse());
        } catch (PgException e) {
            client.write(ErrorResponse.of(e));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (RuntimeException e) {
            // a value the merger could not read (e.g. a timestamp not in DateStyle ISO): the session survives
            client.write(ErrorResponse.of(new PgException(SqlState.INTERNAL_ERROR,
                    "merging the shards' answers failed: " + e)));
        } finally {
            for (ShardStream stream : streams) {
                stream.finish();
            }
            rollbackOpened();
        }
        List<String> broken = new ArrayList<>();
        boolean inTransaction = false;
        for (ShardStream stream : streams) {
            if (stream.isBroken()) {
                broken.add(stream.shard());
            }
            inTransaction |= stream.status() != 'I' && !ended.contains(stream.shard());
        }
        return new Outcome(broken, inTransaction, failed, failed ? null : suspended, failed ? null : mergeRefused);
    }

    /**
     * @param brokenShards shards whose backend connection broke: to be discarded
     * @param inTransaction some shard ended in a transaction block (the statement opened one)
     * @param failed the client was sent an error
     * @param suspended the rows an Execute with a row limit left for the next Execute; null when it completed
     */
    public record Outcome(List<String> brokenShards, boolean inTransaction, boolean failed, SuspendedPortal suspended,
                          PgException mergeRefused) {
    }

    /**
     * A merge the shards' catalogs refuse (text ordered or grouped in a collation the router cannot
     * reproduce) is not answered: the run reads the shards' answers through and reports the refusal
     * in {@link Outcome#mergeRefused}, nothing sent to the client, so that the statement can be
     * finished elsewhere.
     */
    public MultiShardRun finishingWhenMergeRefused() {
        finishable = true;
        return this;
    }

    private boolean finishable;
    private PgException mergeRefused;

    /** The client's Execute row limit; 0 for none. */
    private int rowLimit;
    /** What a row limit left of the answer, once it was reached. */
    private SuspendedPortal suspended;

    private void answer(MultiShardShape.Select select, boolean describe, boolean execute) throws IOException {
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
            if (describe && extended) {
                client.write(NoData.INSTANCE); // the simple protocol has no answer for a statement without rows
            }
            if (execute) {
                String tag = replicated ? agreedTag() : summedTag();
                commitOpened();
                client.write(new CommandComplete(tag));
            }
            return;
        }
        ResultMerger merger;
        try {
            // the types the shards answered decide what the merge can compute (equality, sums, text order)
            merger = select == null ? null : new ResultMerger(select, agreed, encoding);
            if (merger != null) {
                for (ShardStream stream : streams) {
                    TextOrder.require(select, merger.mergedColumns(), collations.get(stream.shard()));
                }
            }
        } catch (PgException refused) {
            if (!finishable || refused.sqlState() != SqlState.FEATURE_NOT_SUPPORTED) {
                throw refused;
            }
            mergeRefused = refused;
            return;
        }
        RowDescription columns = merger == null ? agreed : merger.columns();
        boolean[] binary = binaryColumns(columns);
        if (binary != null) {
            columns = inClientFormats(columns, binary);
        }
        if (describe) {
            client.write(columns);
        }
        if (!execute) {
            return;
        }
        List<RowSource> sources = replicated ? List.of(streams.getFirst()) : new ArrayList<>(streams);
        RowSource rows = merger == null ? RowSource.concatenation(sources) : merger.merge(sources);
        long count = 0;
        byte[][] row = null;
        while ((rowLimit <= 0 || count < rowLimit) && (row = rows.next()) != null) {
            client.write(new DataRow(binary == null ? row : toBinary(row, binary, columns)));
            count++;
        }
        List<byte[][]> rest = null;
        if (rowLimit > 0 && count == rowLimit) {
            // PostgreSQL suspends the portal at the limit, even when no row is left. The shards'
            // answers are read to their end now (their backends serve other statements before the
            // next Execute comes): the rest waits in the router's memory.
            rest = new ArrayList<>();
            while ((row = rows.next()) != null) {
                rest.add(binary == null ? row : toBinary(row, binary, columns));
            }
        }
        String tag = select != null ? "SELECT " + count : replicated ? agreedTag() : summedTag();
        commitOpened();
        if (rest != null) {
            suspended = new SuspendedPortal(rest, tag.substring(0, tag.lastIndexOf(' ') + 1));
            client.write(dev.shardgate.wire.PortalSuspended.INSTANCE);
            return;
        }
        client.write(new CommandComplete(tag));
    }

    /** The tag every shard answered to a replicated statement; shards that disagree hold different copies. */
    private String agreedTag() throws IOException {
        String first = streams.getFirst().tag();
        for (ShardStream stream : streams) {
            String tag = stream.tag();
            if (!tag.equals(first)) {
                throw new PgException(SqlState.DATA_CORRUPTED, "shards \"" + streams.getFirst().shard() + "\" and \""
                        + stream.shard() + "\" answered differently (" + first + " versus " + tag
                        + "): their copies of the relation differ; nothing was committed");
            }
        }
        return first;
    }

    /** CREATE INDEX CONCURRENTLY, VACUUM and the like refuse to run inside a transaction block. */
    private static boolean cannotRunInTransaction(FrontendMessage message) {
        String sql = switch (message) {
            case Query query -> query.sql() == null ? "" : query.sql();
            case Parse parse -> parse.sql() == null ? "" : parse.sql();
            default -> "";
        };
        String lower = sql.toLowerCase(java.util.Locale.ROOT);
        return lower.contains("concurrently") || lower.stripLeading().startsWith("vacuum");
    }

    private void begin(java.util.Set<String> shards) throws IOException {
        for (String shard : shards) {
            if (!backends.get(shard).transactionState().equals("idle")) {
                continue; // inside the client's transaction block: the shard's part ends with it
            }
            try {
                BackendQueries.execute(backends.get(shard), "BEGIN");
            } catch (IOException e) {
                throw backends.get(shard).lost(e);
            }
            opened.add(shard);
        }
    }

    /**
     * Every shard succeeded: they commit, by the statement's commit strategy (read through
     * ReadyForQuery first, the backends are idle again).
     */
    private void commitOpened() {
        if (opened.isEmpty()) {
            return;
        }
        for (ShardStream stream : streams) {
            stream.finish();
        }
        List<dev.shardgate.router.twophase.Participant> participants = new ArrayList<>();
        for (String shard : opened) {
            participants.add(new dev.shardgate.router.twophase.Participant(shard, backends.get(shard)));
        }
        try {
            if (participants.size() == 1) {
                ShardCommit.ONE_BY_ONE.commit(participants);
            } else {
                commit.commit(participants);
            }
        } finally {
            // committed or rolled back by the commit itself: nothing is left open
            ended.addAll(opened);
            opened.clear();
        }
    }

    private void rollbackOpened() {
        for (String shard : List.copyOf(opened)) {
            try {
                BackendQueries.execute(backends.get(shard), "ROLLBACK");
                ended.add(shard);
            } catch (IOException | PgException e) {
                backends.get(shard).markBroken();
            }
            opened.remove(shard);
        }
    }

    /** Shards whose router-opened transaction was ended after their stream's last ReadyForQuery. */
    private final java.util.Set<String> ended = new java.util.HashSet<>();

    /** Which merged columns the client wants in binary; null when none. */
    private boolean[] binaryColumns(RowDescription columns) {
        if (clientFormats == null || clientFormats.length == 0) {
            return null;
        }
        boolean[] binary = new boolean[columns.fields().size()];
        boolean any = false;
        for (int i = 0; i < binary.length; i++) {
            short format = clientFormats.length == 1 ? clientFormats[0] : i < clientFormats.length ? clientFormats[i] : 0;
            binary[i] = format == 1;
            if (binary[i] && !BinaryValues.canEncode(columns.fields().get(i).typeOid())) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "binary results of column \""
                        + columns.fields().get(i).name() + "\" (type oid " + columns.fields().get(i).typeOid()
                        + ") are not supported for merged multi-shard queries: ask for text results");
            }
            any |= binary[i];
        }
        return any ? binary : null;
    }

    private static RowDescription inClientFormats(RowDescription columns, boolean[] binary) {
        List<RowDescription.Field> fields = new ArrayList<>();
        for (int i = 0; i < binary.length; i++) {
            RowDescription.Field f = columns.fields().get(i);
            fields.add(new RowDescription.Field(f.name(), f.tableOid(), f.columnNumber(), f.typeOid(), f.typeSize(),
                    f.typeModifier(), binary[i] ? (short) 1 : (short) 0));
        }
        return new RowDescription(fields);
    }

    private static byte[][] toBinary(byte[][] row, boolean[] binary, RowDescription columns) {
        byte[][] out = row.clone();
        for (int i = 0; i < out.length; i++) {
            if (binary[i] && out[i] != null) {
                out[i] = BinaryValues.encode(columns.fields().get(i).typeOid(), out[i]);
            }
        }
        return out;
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
