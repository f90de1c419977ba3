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
public final class WireClient implements AutoCloseable {
    private final Socket socket;
    private final PgWriter out;
    private final PgReader in;

    private WireClient(Socket socket) throws IOException {
        this.socket = socket;
        this.socket.setSoTimeout(10_000);
        this.out = new PgWriter(socket.getOutputStream());
        this.in = new PgReader(socket.getInputStream(), 1 << 20);
    }

    public static WireClient connect(String host, int port, String user, String database) throws IOException {
        WireClient client = new WireClient(new Socket(host, port));
        client.out.write(StartupMessage.of(Map.of("user", user, "database", database)));
        client.out.flush();
        client.untilReady();
        return client;
    }

    /** Sends the messages (the last usually a Sync) and returns the answers through ReadyForQuery. */
    public List<String> exchange(FrontendMessage... messages) throws IOException {
        send(messages);
        return untilReady();
    }

    /** Sends the messages (a Flush rather than a Sync leaves the pipeline open) without reading answers. */
    public void send(FrontendMessage... messages) throws IOException {
        for (FrontendMessage message : messages) {
            out.write(message);
        }
        out.flush();
    }

    /** The answers through the first that starts with {@code prefix} (see {@link #untilReady}). */
    public List<String> until(String prefix) throws IOException {
        return answers(prefix);
    }

    /** "ParseComplete", "DataRow 11|a", "CommandComplete INSERT 0 2", "ErrorResponse 42P18 …", "ReadyForQuery T". */
    public List<String> untilReady() throws IOException {
        return answers("ReadyForQuery");
    }

    private List<String> answers(String last) throws IOException {
        List<String> answers = new ArrayList<>();
        while (true) {
            if (!answers.isEmpty() && answers.getLast().startsWith(last)) {
                return answers;
            }
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
                case ReadyForQuery ready -> answers.add("ReadyForQuery " + (char) ready.status());
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

    public static byte[] text(Object value) {
        return String.valueOf(value).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] int4(int value) {
        return java.nio.ByteBuffer.allocate(4).putInt(value).array();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
