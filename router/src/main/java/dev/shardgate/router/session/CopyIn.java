package dev.shardgate.router.session;

import dev.shardgate.meta.DistributedRelation;
import dev.shardgate.meta.Metadata;
import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.router.backend.BackendQueries;
import dev.shardgate.router.copy.CopyCommand;
import dev.shardgate.router.copy.CopyRows;
import dev.shardgate.router.route.KeyRangeLocked;
import dev.shardgate.router.route.StatementRouter;
import dev.shardgate.wire.BackendMessage;
import dev.shardgate.wire.ClientEncoding;
import dev.shardgate.wire.CommandComplete;
import dev.shardgate.wire.CopyData;
import dev.shardgate.wire.CopyDone;
import dev.shardgate.wire.CopyFail;
import dev.shardgate.wire.CopyInResponse;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.Flush;
import dev.shardgate.wire.FrontendMessage;
import dev.shardgate.wire.NoticeResponse;
import dev.shardgate.wire.PgException;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.ReadyForQuery;
import dev.shardgate.wire.SqlState;
import dev.shardgate.wire.Sync;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * COPY … FROM STDIN into a distributed or reference relation: every shard runs the same COPY in a
 * transaction of its own; the client's rows are cut apart as they come ({@link CopyRows}) and
 * forwarded in CopyData messages of up to {@link #CHUNK} bytes per shard, so memory stays bounded
 * whatever the size of the data. The shards commit only when every one of them took its rows.
 */
final class CopyIn implements CopyRows.Sink {
    /** Bytes gathered per shard before they are sent on. */
    private static final int CHUNK = 64 * 1024;

    private final ClientSession session;
    private final String sql;
    private final CopyCommand command;
    private final Metadata metadata;
    /** Null for a reference relation: every row goes to every shard. */
    private final DistributedRelation relation;
    private final Map<String, BackendLink> links;
    /** The shards run the COPY within the client's transaction, which commits or rolls it back. */
    private final boolean inClientTransaction;
    private final Map<String, Chunk> chunks = new java.util.LinkedHashMap<>();
    /**
     * Outside a transaction block: the shards the rows may go to, each opened (backend borrowed,
     * COPY begun) when its first row comes, so that a shard that is down fails only a COPY with a
     * row for it. Empty: {@link #links} are every shard, opened before the client's data.
     */
    private final List<String> openLazily;
    /** The CSV header line, for a shard opened after it passed. */
    private byte[] header;
    /** The error of a shard that refused the COPY when its first row came. */
    private ErrorResponse openError;

    /** One shard's rows not sent yet. */
    private static final class Chunk {
        final byte[] bytes = new byte[CHUNK];
        int length;
    }

    CopyIn(ClientSession session, String sql, CopyCommand command, Metadata metadata, DistributedRelation relation,
           Map<String, BackendLink> links, boolean inClientTransaction) {
        this(session, sql, command, metadata, relation, links, inClientTransaction, List.of());
    }

    /**
     * A COPY outside a transaction block that opens shards as their rows come: the first of
     * {@code shards} that lends a backend before the client's data, the others at their first row.
     * Backends it borrows are added to {@code links}, whose owner gives them back.
     */
    static CopyIn lazy(ClientSession session, String sql, CopyCommand command, Metadata metadata,
                       DistributedRelation relation, Map<String, BackendLink> links, List<String> shards) {
        return new CopyIn(session, sql, command, metadata, relation, links, false, shards);
    }

    private CopyIn(ClientSession session, String sql, CopyCommand command, Metadata metadata, DistributedRelation relation,
                   Map<String, BackendLink> links, boolean inClientTransaction, List<String> openLazily) {
        this.openLazily = openLazily;
        this.session = session;
        this.sql = sql;
        this.command = command;
        this.metadata = metadata;
        this.relation = relation;
        this.links = links;
        this.inClientTransaction = inClientTransaction;
    }

    /** @return true when every backend ended idle (in its transaction, within the client's) */
    boolean run() throws IOException {
        if (!openLazily.isEmpty()) {
            return runLazily();
        }
        int[] keyPositions = relation == null ? new int[0] : keyPositions();
        CopyInResponse response = null;
        ErrorResponse error = null;
        for (Map.Entry<String, BackendLink> entry : links.entrySet()) {
            BackendConnection backend = entry.getValue().backend;
            if (!inClientTransaction) {
                try {
                    BackendQueries.execute(backend, "BEGIN");
                } catch (IOException e) {
                    throw backend.lost(e);
                }
            }
            ShardedCopy.send(backend, entry.getKey(), Query.of(sql, session.settings.clientEncoding()));
            chunks.put(entry.getKey(), new Chunk());
        }
        for (Map.Entry<String, BackendLink> entry : links.entrySet()) {
            BackendMessage message = untilCopyOrReady(entry.getKey(), entry.getValue().backend);
            if (message instanceof CopyInResponse r) {
                response = response == null ? r : response;
            } else if (message instanceof ErrorResponse e) {
                error = error == null ? ShardedCopy.named(entry.getKey(), e) : error;
            }
        }
        if (error != null) {
            // the shards that did start copying are told to stop; none keeps anything
            for (Map.Entry<String, BackendLink> entry : links.entrySet()) {
                if (copying.contains(entry.getValue().backend)) {
                    ShardedCopy.send(entry.getValue().backend, entry.getKey(), new CopyFail("another shard refused the COPY"));
                    untilReady(entry.getKey(), entry.getValue().backend, null);
                }
            }
            endAll("ROLLBACK");
            session.out.write(error);
            return true;
        }
        session.out.write(response);
        session.out.flush();
        return finish(readClient(keyPositions));
    }

    /**
     * The first shard that lends a backend starts the COPY (its CopyInResponse is the client's);
     * one that cannot lend one is passed over, an error of its COPY ends the COPY. The other
     * shards open at their first row ({@link #open}).
     */
    private boolean runLazily() throws IOException {
        PgException unavailable = null;
        for (String shard : openLazily) {
            BackendLink link;
            try {
                link = borrow(shard);
            } catch (PgException e) {
                unavailable = unavailable == null ? e : unavailable;
                continue;
            }
            int[] keyPositions = keyPositions(); // refused before the client is asked for data
            BackendMessage message = begin(shard, link);
            if (message instanceof ErrorResponse e) {
                endAll("ROLLBACK");
                session.out.write(ShardedCopy.named(shard, e));
                return true;
            }
            session.out.write(message);
            session.out.flush();
            return finish(readClient(keyPositions));
        }
        throw unavailable;
    }

    /** A backend of the shard, added to {@link #links} (their owner gives them back) and to the cancellable ones. */
    private BackendLink borrow(String shard) throws IOException {
        BackendLink link = MultiShardStatements.borrow(session, shard);
        links.put(shard, link);
        session.multiShardBackends = links.values().stream().map(l -> l.backend).toList();
        return link;
    }

    /** BEGIN and the COPY on the shard's backend; its CopyInResponse, or its error. */
    private BackendMessage begin(String shard, BackendLink link) {
        try {
            BackendQueries.execute(link.backend, "BEGIN");
        } catch (IOException e) {
            throw link.backend.lost(e);
        }
        ShardedCopy.send(link.backend, shard, Query.of(sql, session.settings.clientEncoding()));
        BackendMessage message;
        try {
            message = untilCopyOrReady(shard, link.backend);
        } catch (IOException e) {
            throw link.backend.lost(e);
        }
        if (message instanceof CopyInResponse) {
            chunks.put(shard, new Chunk());
            if (header != null) {
                add(shard, header, header.length);
            }
        }
        return message;
    }

    /** A shard's first row came during a lazy COPY: the shard joins it, or the COPY fails naming it. */
    private void open(String shard) {
        BackendLink link;
        try {
            link = borrow(shard);
        } catch (IOException e) {
            throw new PgException(SqlState.CONNECTION_FAILURE, "shard \"" + shard + "\": " + e.getMessage());
        }
        if (begin(shard, link) instanceof ErrorResponse e) {
            openError = ShardedCopy.named(shard, e); // the client gets the shard's own error
            throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, openError.message());
        }
    }

    /** Ends the COPY on every shard it started on: commit when all went well, else roll back; answers the client. */
    private boolean finish(PgException failure) throws IOException {
        ErrorResponse error = null;
        for (Map.Entry<String, BackendLink> entry : links.entrySet()) {
            if (!copying.contains(entry.getValue().backend)) {
                continue; // opened, but its COPY never began
            }
            ShardedCopy.send(entry.getValue().backend, entry.getKey(),
                    failure == null ? CopyDone.INSTANCE : new CopyFail(failure.getMessage()));
        }
        long total = 0;
        long firstCount = -1;
        for (Map.Entry<String, BackendLink> entry : links.entrySet()) {
            if (!copying.contains(entry.getValue().backend)) {
                continue;
            }
            long[] count = {0};
            ErrorResponse e = untilReady(entry.getKey(), entry.getValue().backend, count);
            if (e != null && error == null) {
                error = ShardedCopy.named(entry.getKey(), e);
            }
            total += count[0];
            firstCount = firstCount < 0 ? count[0] : firstCount;
        }
        if (failure != null || error != null) {
            endAll("ROLLBACK");
            session.out.write(openError != null ? openError : failure != null ? ErrorResponse.of(failure) : error);
            return true;
        }
        commitAll();
        // a reference relation's rows are in every copy: the count is that of one
        session.out.write(new CommandComplete("COPY " + (relation == null ? firstCount : total)));
        return true;
    }

    /**
     * The client's CopyData, cut into rows and sent on, through CopyDone; null when all went well,
     * else the reason to fail the COPY (the client's CopyFail, or a row that cannot be routed).
     * After a failure the rest of the client's data is read and dropped, as a server does.
     */
    private PgException readClient(int[] keyPositions) throws IOException {
        List<String> keyColumns = relation == null ? List.of() : relation.valueColumns();
        ClientEncoding dataEncoding = command.encoding() != null ? ClientEncoding.named(command.encoding())
                : session.settings.clientEncoding();
        CopyRows rows = new CopyRows(command, keyPositions, keyColumns, dataEncoding,
                ClientEncoding.named(session.settings.serverEncoding()), this);
        PgException failure = null;
        while (true) {
            if (session.in.next() < 0) {
                throw new java.io.EOFException("client left during COPY");
            }
            FrontendMessage message = session.in.frontend(session.settings.clientEncoding());
            switch (message) {
                case CopyData data -> {
                    if (failure == null) {
                        try {
                            rows.feed(data.data());
                        } catch (PgException e) {
                            failure = e;
                        }
                    }
                }
                case CopyDone done -> {
                    if (failure == null) {
                        try {
                            rows.end();
                            for (String shard : chunks.keySet()) {
                                flush(shard);
                            }
                        } catch (PgException e) {
                            failure = e;
                        }
                    }
                    return failure;
                }
                case CopyFail fail -> {
                    return new PgException(SqlState.QUERY_CANCELED, "COPY from stdin failed: " + fail.message());
                }
                case Flush f -> { }
                case Sync s -> { }
                default -> {
                    return new PgException(SqlState.PROTOCOL_VIOLATION, "unexpected message "
                            + message.getClass().getSimpleName() + " during COPY from stdin");
                }
            }
        }
    }

    @Override
    public void header(byte[] bytes, int length) throws IOException {
        if (!openLazily.isEmpty() && relation != null && header == null) {
            header = Arrays.copyOf(bytes, length);
        }
        for (String shard : chunks.keySet()) {
            add(shard, bytes, length);
        }
    }

    @Override
    public void row(byte[] bytes, int length, String[] key) throws IOException {
        if (relation == null) {
            header(bytes, length);
            return;
        }
        for (int i = 0; i < key.length; i++) {
            if (key[i] == null) {
                // PostgreSQL's not_null_violation: a row without a key has no shard to go to
                throw new PgException(SqlState.NOT_NULL_VIOLATION, "null value in distribution key column \""
                        + relation.valueColumns().get(i) + "\" of relation " + relation.name()
                        + ": the router cannot choose a shard for the row");
            }
        }
        String shard;
        try {
            shard = StatementRouter.shardOfKey(metadata, relation, Arrays.asList(key));
        } catch (KeyRangeLocked locked) {
            throw new PgException(SqlState.LOCK_NOT_AVAILABLE, "key range \"" + locked.keyRangeId() + "\" is locked");
        }
        if (!chunks.containsKey(shard) && !openLazily.isEmpty()) {
            open(shard);
        }
        if (!chunks.containsKey(shard)) {
            throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, "a row of relation " + relation.name()
                    + " belongs on shard \"" + shard + "\", which the COPY did not start on: the metadata changed meanwhile");
        }
        add(shard, bytes, length);
    }

    private void add(String shard, byte[] bytes, int length) {
        Chunk chunk = chunks.get(shard);
        if (chunk.length + length > CHUNK) {
            flush(shard);
        }
        if (length > CHUNK) {
            ShardedCopy.send(links.get(shard).backend, shard, new CopyData(Arrays.copyOf(bytes, length)));
            return;
        }
        System.arraycopy(bytes, 0, chunk.bytes, chunk.length, length);
        chunk.length += length;
    }

    private void flush(String shard) {
        Chunk chunk = chunks.get(shard);
        if (chunk.length == 0) {
            return;
        }
        ShardedCopy.send(links.get(shard).backend, shard, new CopyData(Arrays.copyOf(chunk.bytes, chunk.length)));
        chunk.length = 0;
    }

    private List<String> tableColumns() {
        var first = links.entrySet().iterator().next();
        return ShardedCopy.columnsOf(first.getValue().backend, first.getKey(), relation.name(), session.settings.clientEncoding());
    }

    /** Where each key column (each column of a routing expression) sits in the COPY's rows. */
    private int[] keyPositions() {
        List<String> columns = command.columns().isEmpty() ? tableColumns() : command.columns();
        List<String> keyColumns = relation.valueColumns();
        int[] positions = new int[keyColumns.size()];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = columns.indexOf(keyColumns.get(i));
            if (positions[i] < 0) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "COPY into distributed relation " + relation.name()
                        + " must include its distribution key column \"" + keyColumns.get(i) + "\"");
            }
        }
        return positions;
    }

    /** Reads up to the shard's CopyInResponse, or its error through ReadyForQuery. */
    private BackendMessage untilCopyOrReady(String shard, BackendConnection backend) throws IOException {
        ErrorResponse error = null;
        while (true) {
            BackendMessage message = ShardedCopy.read(backend, shard);
            switch (message) {
                case CopyInResponse response -> {
                    copying.add(backend);
                    return response;
                }
                case ErrorResponse e -> error = e;
                case NoticeResponse notice -> session.out.write(notice);
                case ReadyForQuery ready -> {
                    return error;
                }
                default -> { }
            }
        }
    }

    /** Reads through ReadyForQuery; the count of a CommandComplete goes into {@code count}; the error, if any, is returned. */
    private ErrorResponse untilReady(String shard, BackendConnection backend, long[] count) throws IOException {
        ErrorResponse error = null;
        copying.remove(backend);
        while (true) {
            BackendMessage message = ShardedCopy.read(backend, shard);
            switch (message) {
                case CommandComplete complete -> {
                    if (count != null) {
                        count[0] = ShardedCopy.countOf(complete.tag());
                    }
                }
                case ErrorResponse e -> error = error == null ? e : error;
                case NoticeResponse notice -> session.out.write(notice);
                case ReadyForQuery ready -> {
                    return error;
                }
                default -> { }
            }
        }
    }

    /** Backends in copy-in mode: they must be sent CopyDone or CopyFail. */
    private final java.util.Set<BackendConnection> copying = new java.util.HashSet<>();

    /**
     * Every shard took its rows: they commit by the session's commit strategy (two-phase under
     * 2pc: all or none), outside the client's transaction; a failure rolls back what it can and is thrown.
     */
    private void commitAll() {
        if (inClientTransaction) {
            return;
        }
        List<dev.shardgate.router.twophase.Participant> participants = new java.util.ArrayList<>();
        links.forEach((shard, link) -> participants.add(new dev.shardgate.router.twophase.Participant(shard, link.backend)));
        (participants.size() == 1 ? dev.shardgate.router.scatter.MultiShardRun.ShardCommit.ONE_BY_ONE
                : MultiShardStatements.commitOf(session)).commit(participants);
    }

    /**
     * ROLLBACK on every shard. Within
     * the client's transaction nothing: a failed COPY left the shards' parts failed, and the client
     * ends the transaction.
     */
    private void endAll(String command) {
        if (inClientTransaction) {
            return;
        }
        PgException first = null;
        for (Map.Entry<String, BackendLink> entry : links.entrySet()) {
            try {
                BackendQueries.execute(entry.getValue().backend, command);
            } catch (IOException e) {
                first = first == null ? entry.getValue().backend.lost(e) : first;
            } catch (PgException e) {
                first = first == null ? new PgException(e.sqlState(), "shard \"" + entry.getKey() + "\": " + e.getMessage()) : first;
            }
        }
        if (first != null && command.equals("COMMIT")) {
            throw first;
        }
    }
}
