package dev.shardgate.it.scatter;

import dev.shardgate.wire.BackendMessage;
import dev.shardgate.wire.CommandComplete;
import dev.shardgate.wire.DataRow;
import dev.shardgate.wire.ErrorResponse;
import dev.shardgate.wire.FrontendMessage;
import dev.shardgate.wire.PgReader;
import dev.shardgate.wire.PgWriter;
import dev.shardgate.wire.ReadyForQuery;
import dev.shardgate.wire.StartupMessage;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A client speaking the protocol message by message, as node-postgres or libpq do: Parse with or
 * without parameter types, Bind with any format codes. Answers are summed up one line per message.
 */
final class WireClient implements AutoCloseable {
    private final Socket socket;
    private final PgWriter out;
    private final PgReader in;

    private WireClient(Socket socket) throws IOException {
        this.socket = socket;
        this.socket.setSoTimeout(10_000);
        this.out = new PgWriter(socket.getOutputStream());
        this.in = new PgReader(socket.getInputStream(), 1 << 20);
    }

    static WireClient connect(String host, int port, String user, String database) throws IOException {
        WireClient client = new WireClient(new Socket(host, port));
        client.out.write(StartupMessage.of(Map.of("user", user, "database", database)));
        client.out.flush();
        client.untilReady();
        return client;
    }

    /** Sends the messages (the last usually a Sync) and returns the answers through ReadyForQuery. */
    List<String> exchange(FrontendMessage... messages) throws IOException {
        for (FrontendMessage message : messages) {
            out.write(message);
        }
        out.flush();
        return untilReady();
    }

    /** "ParseComplete", "DataRow 11|a", "CommandComplete INSERT 0 2", "ErrorResponse 42P18 …", "ReadyForQuery T". */
    private List<String> untilReady() throws IOException {
        List<String> answers = new ArrayList<>();
        while (true) {
            BackendMessage message = in.readBackend();
            switch (message) {
                case CommandComplete complete -> answers.add("CommandComplete " + complete.tag());
                case ErrorResponse error -> answers.add("ErrorResponse " + error.code() + " " + error.message());
                case DataRow row -> {
                    List<String> values = new ArrayList<>();
                    for (byte[] value : row.values()) {
                        values.add(value == null ? "∅" : new String(value, StandardCharsets.UTF_8));
                    }
                    answers.add("DataRow " + String.join("|", values));
                }
                case ReadyForQuery ready -> {
                    answers.add("ReadyForQuery " + (char) ready.status());
                    return answers;
                }
                default -> {
                    String name = message.getClass().getSimpleName();
                    if (!name.equals("ParameterStatus") && !name.equals("BackendKeyData")
                            && !name.startsWith("Authentication") && !name.equals("NoticeResponse")) {
                        answers.add(name);
                    }
                }
            }
        }
    }

    static byte[] text(Object value) {
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] int4(int value) {
        return java.nio.ByteBuffer.allocate(4).putInt(value).array();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
