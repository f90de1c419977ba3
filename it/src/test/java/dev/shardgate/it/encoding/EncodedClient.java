package dev.shardgate.it.encoding;

import dev.shardgate.wire.BackendMessage;
import dev.shardgate.wire.Bind;
import dev.shardgate.wire.CommandComplete;
import dev.shardgate.wire.CopyData;
import dev.shardgate.wire.CopyDone;
import dev.shardgate.wire.CopyInResponse;
import dev.shardgate.wire.DataRow;
import dev.shardgate.wire.Describe;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.Execute;
import dev.shardgate.wire.Parse;
import dev.shardgate.wire.PgReader;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.Query;
import dev.shardgate.wire.ReadyForQuery;
import dev.shardgate.wire.RowDescription;
import dev.shardgate.wire.StartupMessage;
import dev.shardgate.wire.Sync;
import dev.shardgate.wire.Terminate;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A protocol client that sends statement text as the bytes of its client_encoding and keeps the
 * answers' bytes, so that tests compare what the router answers with what a server answers byte for
 * byte (pgjdbc always speaks UTF8). Talks to the router or to a shard alike.
 */
final class EncodedClient implements AutoCloseable {
    /** One statement's answer: the rows' values as sent, the command tag, or the error (SQLSTATE and message). */
    record Answer(List<String> columns, List<byte[][]> rows, String tag, String sqlState, String message, byte status) {
        /** The first column of each row, read in {@code charset}. */
        List<String> column(Charset charset) {
            List<String> values = new ArrayList<>();
            for (byte[][] row : rows) {
                values.add(row[0] == null ? null : new String(row[0], charset));
            }
            return values;
        }
    }

    private final Socket socket;
    private final PgReader in;
    private final PgWriter out;
    final Charset charset;

    private EncodedClient(Socket socket, Charset charset) throws IOException {
        this.socket = socket;
        this.in = new PgReader(socket.getInputStream(), 1 << 24);
        this.out = new PgWriter(socket.getOutputStream());
        this.charset = charset;
    }

    /** Logs in with {@code client_encoding} (PostgreSQL's name) and reads the text as {@code charset}. */
    static EncodedClient connect(String host, int port, String database, String user, String clientEncoding,
                                 Charset charset) throws IOException {
        EncodedClient client = new EncodedClient(new Socket(host, port), charset);
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("user", user);
        parameters.put("database", database);
        parameters.put("client_encoding", clientEncoding);
        client.out.write(StartupMessage.of(parameters));
        client.out.flush();
        Answer login = client.untilReady();
        if (login.sqlState() != null) {
            throw new IOException("login failed: " + login.message());
        }
        return client;
    }

    /** A simple Query of {@code sql} encoded in this client's charset. */
    Answer query(String sql) throws IOException {
        return queryBytes(sql.getBytes(charset));
    }

    /** A simple Query of exactly these bytes. */
    Answer queryBytes(byte[] text) throws IOException {
        out.write(new Query(text, null));
        out.flush();
        return untilReady();
    }

    /** Parse (unnamed, the bytes as given), Bind of text parameters in this charset, Execute, Sync. */
    Answer extended(byte[] text, String... parameters) throws IOException {
        byte[][] values = new byte[parameters.length][];
        for (int i = 0; i < parameters.length; i++) {
            values[i] = parameters[i] == null ? null : parameters[i].getBytes(charset);
        }
        out.write(new Parse("", text, null, new int[0]));
        out.write(new Bind("", "", new short[0], values, new short[0]));
        out.write(new Describe((byte) 'P', ""));
        out.write(new Execute("", 0));
        out.write(new Sync());
        out.flush();
        return untilReady();
    }

    Answer extended(String sql, String... parameters) throws IOException {
        return extended(sql.getBytes(charset), parameters);
    }

    /** COPY … FROM STDIN with these bytes as its one CopyData message. */
    Answer copyIn(String sql, byte[] data) throws IOException {
        out.write(new Query(sql.getBytes(charset), null));
        out.flush();
        BackendMessage first = in.readBackend();
        if (!(first instanceof CopyInResponse)) {
            if (first instanceof ErrorResponse error) {
                Answer rest = untilReady();
                return new Answer(List.of(), List.of(), null, error.code(), error.message(), rest.status());
            }
            throw new IOException("expected CopyInResponse, got " + first);
        }
        out.write(new CopyData(data));
        out.write(CopyDone.INSTANCE);
        out.flush();
        return untilReady();
    }

    private Answer untilReady() throws IOException {
        List<byte[][]> rows = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        String tag = null;
        ErrorResponse error = null;
        while (true) {
            BackendMessage message = in.readBackend();
            switch (message) {
                case DataRow row -> rows.add(row.values());
                // the reader follows the server's client_encoding, as libpq's callers do
                case RowDescription description -> description.fields().forEach(field -> columns.add(field.name()));
                case CommandComplete complete -> tag = complete.tag();
                case ErrorResponse e -> error = error == null ? e : error;
                case ReadyForQuery ready -> {
                    return new Answer(columns, rows, tag, error == null ? null : error.code(), error == null ? null : error.message(),
                            ready.status());
                }
                default -> { }
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            out.write(Terminate.INSTANCE);
            out.flush();
        } finally {
            socket.close();
        }
    }
}
