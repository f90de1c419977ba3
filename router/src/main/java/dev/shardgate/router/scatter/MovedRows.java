package dev.shardgate.router.scatter;

import dev.shardgate.router.backend.BackendConnection;
import dev.shardgate.wire.BackendMessage;
import dev.shardgate.wire.Bind;
import dev.shardgate.wire.ClientEncoding;
import dev.shardgate.wire.CopyData;
import dev.shardgate.wire.CopyDone;
import dev.shardgate.wire.CopyInResponse;
import dev.shardgate.wire.DataRow;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.Execute;
import dev.shardgate.wire.FrontendMessage;
import dev.shardgate.wire.NoticeResponse;
import dev.shardgate.wire.ParameterStatus;
import dev.shardgate.wire.Parse;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.ReadyForQuery;
import dev.shardgate.wire.Sync;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The first half of a split update (an UPDATE giving rows a distribution key of another shard), as
 * SPQR does it: the rows the UPDATE selects are deleted from their old shard ({@code DELETE … WHERE
 * <the UPDATE's condition> RETURNING *}, in binary) and copied as they are to the new key's shard
 * ({@code COPY … FROM STDIN} in binary), within the transaction both shards are in. The UPDATE itself
 * then runs on the new shard, where it finds exactly those rows (no other row there has their old key)
 * and gives them their new key, answering the client with its own rows and command tag. Until the
 * UPDATE has run, the copies carry their old key on the new shard, which only this transaction sees.
 *
 * @param from the shard the rows leave
 * @param to the shard of their new key
 * @param deleteSql the DELETE, with the client's parameters renumbered to those it uses
 * @param parameterTypes the DELETE's Parse parameter types
 * @param bind its parameters; null for a statement without them (simple protocol)
 * @param copySql {@code COPY <relation> FROM STDIN (FORMAT binary)}
 */
public record MovedRows(String from, String to, String deleteSql, int[] parameterTypes, Bind bind, String copySql) {
    /** PGCOPY\n\377\r\n\0, then flags and header extension length (PostgreSQL's COPY binary format). */
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};

    /**
     * Moves the rows on the two shards' backends, each within a transaction; the shard's error is
     * thrown ({@link ShardError}) when either part fails.
     *
     * @return how many rows moved
     */
    long run(Map<String, BackendConnection> backends, ClientEncoding encoding, Consumer<NoticeResponse> notices) throws IOException {
        BackendConnection source = backends.get(from);
        List<FrontendMessage> delete = new ArrayList<>(4);
        delete.add(Parse.of("", deleteSql, parameterTypes == null ? new int[0] : parameterTypes, encoding));
        delete.add(bind == null ? new Bind("", "", new short[0], new byte[0][], new short[] {1})
                : new Bind("", "", bind.parameterFormats(), bind.parameters(), new short[] {1}));
        delete.add(new Execute("", 0));
        delete.add(Sync.INSTANCE);
        List<byte[][]> rows = new ArrayList<>();
        send(source, delete);
        readThroughReady(from, source, message -> {
            if (message instanceof DataRow row) {
                rows.add(row.values());
            }
        }, notices);
        if (rows.isEmpty()) {
            return 0;
        }
        BackendConnection target = backends.get(to);
        send(target, List.of(Query.of(copySql, encoding)));
        readThroughReady(to, target, message -> {
            if (message instanceof CopyInResponse) {
                try {
                    target.writer().write(new CopyData(binaryCopy(rows)));
                    target.writer().write(CopyDone.INSTANCE);
                    target.writer().flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }, notices);
        return rows.size();
    }

    private static void send(BackendConnection backend, List<FrontendMessage> messages) throws IOException {
        try {
            for (FrontendMessage message : messages) {
                backend.writer().write(message);
            }
            backend.writer().flush();
        } catch (IOException e) {
            backend.markBroken();
            throw backend.lost(e);
        }
    }

    /** Reads one answer through its ReadyForQuery, giving every message to {@code each}; a shard's error is thrown after it. */
    private static void readThroughReady(String shard, BackendConnection backend, Consumer<BackendMessage> each,
                                         Consumer<NoticeResponse> notices) throws IOException {
        ErrorResponse error = null;
        try {
            while (true) {
                BackendMessage message = backend.reader().readBackend();
                switch (message) {
                    case ParameterStatus status -> backend.reported().put(status.name(), status.value());
                    case NoticeResponse notice -> notices.accept(notice);
                    case ErrorResponse e -> error = error == null ? e : error;
                    case ReadyForQuery ready -> {
                        backend.readyForQuery(ready.status());
                        if (error != null) {
                            throw new ShardError(shard, error);
                        }
                        return;
                    }
                    default -> each.accept(message);
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            backend.markBroken();
            throw backend.lost(e instanceof java.io.UncheckedIOException u ? u.getCause() : e);
        }
    }

    /** The rows, as DELETE … RETURNING * gave them in binary, in COPY's binary format. */
    private static byte[] binaryCopy(List<byte[][]> rows) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(SIGNATURE);
            out.writeInt(0); // flags: no OIDs
            out.writeInt(0); // no header extension
            for (byte[][] row : rows) {
                out.writeShort(row.length);
                for (byte[] value : row) {
                    if (value == null) {
                        out.writeInt(-1);
                    } else {
                        out.writeInt(value.length);
                        out.write(value);
                    }
                }
            }
            out.writeShort(-1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
